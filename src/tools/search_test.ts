import assert from "node:assert/strict";
import { lineMatcher, searchTool } from "./search.ts";
import { withMemoryWorkspace } from "../../testing/memory_fs.ts";

Deno.test("search: a catastrophic regex (^(a+)+$) on a long line returns promptly with no match", async () => {
  await withMemoryWorkspace({ "evil.txt": "a".repeat(50_000) + "!\n" }, async (fs) => {
    const r = await searchTool.run({ pattern: "^(a+)+$", regex: true }, { fs });
    assert.equal(r.ok, true);
    assert.match(r.output, /No matches/);
  });
});

Deno.test("search: a pattern RE2 does not support is a clear tool error", async () => {
  await withMemoryWorkspace({ "a.txt": "aa\n" }, async (fs) => {
    const r = await searchTool.run({ pattern: "(a)\\1", regex: true }, { fs });
    assert.equal(r.ok, false);
    assert.match(r.output, /^ERROR: Invalid or unsupported regular expression "\(a\)\\1"/);
    const bad = await searchTool.run({ pattern: "([", regex: true }, { fs });
    assert.equal(bad.ok, false);
  });
});

Deno.test("lineMatcher(): literal text by default, smart case, regex when asked", async () => {
  assert.equal((await lineMatcher("a.b", false)).test("axb"), false);
  assert.equal((await lineMatcher("a.b", false)).test("A.B"), true);
  assert.equal((await lineMatcher("Foo", false)).test("foo"), false);
  assert.equal((await lineMatcher("fo+\\(", true)).test("x foo( y"), true);
});
