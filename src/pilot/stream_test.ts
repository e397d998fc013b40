import assert from "node:assert/strict";
import { streamFilter, visibleSoFar } from "./stream.ts";

function feed(chunks: string[]): string[] {
  const f = streamFilter();
  return chunks.map(f);
}

Deno.test("a streamed answer is shown piece by piece as it arrives", () => {
  assert.deepEqual(feed(["Hel", "lo, ", "world"]), ["Hel", "lo, ", "world"]);
});

Deno.test("a think block is never shown, even with its tags split across chunks", () => {
  const shown = feed(["<thi", "nk>secret plan", "</thi", "nk>\n\nThe answer", " is 4"]);
  assert.equal(shown.join(""), "The answer is 4");
  assert.ok(!shown.join("").includes("secret"));
});

Deno.test("text that only looks like the start of a tag is held back, then shown", () => {
  assert.deepEqual(feed(["a <", "b"]), ["a ", "<b"]);
  assert.equal(visibleSoFar("x <th"), "x ");
  assert.equal(visibleSoFar("<think>unfinished"), "");
});
