import assert from "node:assert/strict";
import { applyPatch } from "./patch_match.ts";

const FILE = "def f(x):\n    if x:\n        return 1\n    return 0\n";

Deno.test("applyPatch() replaces a unique exact match", () => {
  const r = applyPatch(FILE, "return 1", "return 2");
  assert.ok(r.ok);
  assert.equal(r.content, FILE.replace("return 1", "return 2"));
  assert.equal(r.strategy, "exact");
  assert.equal(r.line, 3);
});

Deno.test("applyPatch() refuses a search text that matches several places and lists their lines", () => {
  const r = applyPatch("a = 1\nb = 2\na = 1\n", "a = 1", "a = 3");
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.reason === "ambiguous" && r.message.includes("lines 1, 3"));
});

Deno.test("applyPatch() tolerates trailing whitespace and CRLF differences", () => {
  const r = applyPatch("x = 1  \r\ny = 2\r\n", "x = 1\ny = 2", "x = 5\ny = 2");
  assert.ok(r.ok);
  assert.equal(r.content, "x = 5\r\ny = 2\r\n");
});

Deno.test("applyPatch() matches with different indentation and re-indents the replacement", () => {
  const r = applyPatch(FILE, "if x:\n    return 1", "if x is not None:\n    return 2");
  assert.ok(r.ok);
  assert.equal(r.strategy, "indentation");
  assert.equal(r.content, "def f(x):\n    if x is not None:\n        return 2\n    return 0\n");
});

Deno.test("applyPatch() shows the closest numbered lines when nothing matches", () => {
  const r = applyPatch(FILE, "if y:\n    return 1", "if y:\n    return 9");
  assert.ok(!r.ok);
  assert.equal(r.reason, "not_found");
  assert.match(r.message, /Closest lines \(\d+% similar\):\n2\|\s+if x:\n3\|\s+return 1/);
});

Deno.test("applyPatch() rejects an empty search text", () => {
  const r = applyPatch(FILE, "  \n", "x");
  assert.ok(!r.ok && r.reason === "empty");
});
