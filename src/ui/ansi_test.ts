import assert from "node:assert/strict";
import { paint, stripAnsi, truncate, visibleLength } from "./ansi.ts";

Deno.test("paint() colours only when colour is on", () => {
  assert.equal(paint(false, "red", "boom"), "boom");
  assert.equal(paint(true, "red", "boom"), "\x1b[31mboom\x1b[39m");
});

Deno.test("stripAnsi() and visibleLength() ignore escape codes", () => {
  const text = paint(true, "bold", "LAO") + " ✓";
  assert.equal(stripAnsi(text), "LAO ✓");
  assert.equal(visibleLength(text), 5);
});

Deno.test("truncate() cuts long text with an ellipsis and keeps short text", () => {
  assert.equal(truncate("abcdef", 4), "abc…");
  assert.equal(truncate("abc", 4), "abc");
  assert.equal(truncate("abc", 0), "");
});
