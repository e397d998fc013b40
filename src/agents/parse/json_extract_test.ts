import assert from "node:assert/strict";
import { extractJson, extractJsonCandidates, scanJsonSpans } from "./json_extract.ts";
import { repairJson } from "../../parse/json_repair.ts";
import { splitThink } from "./think.ts";

Deno.test("splitThink() separates closed, unclosed and orphan-closed reasoning blocks", () => {
  assert.deepEqual(splitThink("<think>a</think>answer"), { content: "answer", reasoning: "a" });
  assert.deepEqual(splitThink("answer<THINK>cut off"), { content: "answer", reasoning: "cut off" });
  assert.deepEqual(splitThink("hidden start</think>\nanswer"), {
    content: "answer",
    reasoning: "hidden start",
  });
});

Deno.test("scanJsonSpans() ignores brackets inside strings", () => {
  const text = 'x {"a": "]}", "b": [1]} y';
  assert.deepEqual(scanJsonSpans(text), [{ start: 2, end: 23, closed: true }]);
});

Deno.test("repairJson() fixes quotes, keys, literals, comments and trailing commas", () => {
  assert.deepEqual(repairJson("{'a': True, b: [1, 2,], /* x */ c: None,}")?.value, {
    a: true,
    b: [1, 2],
    c: null,
  });
});

Deno.test("repairJson() escapes stray inner quotes and raw newlines in strings", () => {
  assert.deepEqual(repairJson('{"m": "say "hi"\nnow"}')?.value, { m: 'say "hi"\nnow' });
});

Deno.test("repairJson() closes truncated JSON and drops the incomplete last element", () => {
  assert.deepEqual(repairJson('[{"a": 1}, {"a": 2}, {"a": 3, "b": "x'), {
    value: [{ a: 1 }, { a: 2 }],
    truncated: true,
  });
  assert.deepEqual(repairJson("[1, 2"), { value: [1, 2], truncated: true });
});

Deno.test("extractJsonCandidates() prefers complete values of the requested kind", () => {
  const text = 'See {"note": 1} then\n```json\n[1, 2]\n```\nand [3, 4';
  const c = extractJsonCandidates(text, { prefer: "array" });
  assert.deepEqual(c.map((x) => x.value), [[1, 2], { note: 1 }, [3, 4]]);
  assert.deepEqual(c.map((x) => x.truncated), [false, false, true]);
});

Deno.test("extractJson() finds JSON after reasoning that itself contains braces", () => {
  assert.deepEqual(extractJson('<think>maybe {"x": 1}?</think> final: {"y": 2}')?.value, { y: 2 });
});

Deno.test("extractJson() returns undefined for a reply without JSON", () => {
  assert.equal(extractJson("no json here, just [a link] and {braces}"), undefined);
});
