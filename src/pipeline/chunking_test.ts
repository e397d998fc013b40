import assert from "node:assert/strict";
import { chunkCompletionBudget, chunkPlan, splitSections } from "./chunking.ts";

const words = (t: string) => t.split(/\s+/).filter(Boolean).length;

Deno.test("sections start at every heading, bullet and numbered item", () => {
  const plan = "# Title\nintro\n- a\n  more a\n1. one\n## H2\ntext";
  assert.deepEqual(splitSections(plan), [
    "# Title\nintro",
    "- a\n  more a",
    "1. one",
    "## H2\ntext",
  ]);
});

Deno.test("a plan that fits is one chunk and the preflight says so", () => {
  const { chunks, preflight } = chunkPlan("# P\n- a\n- b", {
    contextLength: 32768,
    maxContextUtilization: 0.85,
    reservedTokens: 256,
    maxCompletion: 16384,
  }, words);
  assert.equal(chunks.length, 1);
  assert.equal(preflight.fit, true);
  assert.equal(preflight.target_context_tokens, 27852);
  assert.equal(preflight.chunk_count, 1);
});

Deno.test("a large plan is packed greedily into chunks under the budget, hashed by content", () => {
  const bullets = Array.from({ length: 120 }, (_, i) => `- item ${i} ${"word ".repeat(20)}`);
  const plan = ["# Phase 1", ...bullets].join("\n");
  const budget = {
    contextLength: 2000,
    maxContextUtilization: 1,
    reservedTokens: 0,
    maxCompletion: 500,
    margin: 200,
  };
  const { chunks, preflight } = chunkPlan(plan, budget, words);
  assert.equal(preflight.fit, false);
  assert.ok(chunks.length > 1);
  for (const c of chunks) assert.ok(words(c.text) + 200 <= 2000, `chunk ${c.index} too big`);
  assert.equal(chunks.map((c) => c.text).join("\n\n").split("- item").length, 121);
  assert.equal(new Set(chunks.map((c) => c.hash)).size, chunks.length);
  const again = chunkPlan(plan, budget, words).chunks;
  assert.deepEqual(again.map((c) => c.hash), chunks.map((c) => c.hash));
});

Deno.test("the completion budget is the headroom, capped by max_completion", () => {
  const b = {
    contextLength: 10000,
    maxContextUtilization: 0.5,
    reservedTokens: 100,
    maxCompletion: 2000,
  };
  assert.equal(chunkCompletionBudget(1000, b), 2000);
  assert.equal(chunkCompletionBudget(4000, b), 900);
});

Deno.test("a plan whose prompt fits but whose answer would not is split by the output budget", () => {
  const bullets = Array.from({ length: 100 }, (_, i) => `- item ${i} ${"word ".repeat(8)}`);
  const plan = ["# Plan", ...bullets].join("\n");
  // ~1000 words of prompt fit a 32k context, but 1.5x that does not fit 600 completion tokens.
  const budget = {
    contextLength: 32768,
    maxContextUtilization: 0.85,
    reservedTokens: 256,
    maxCompletion: 600,
    margin: 100,
  };
  const { chunks, preflight } = chunkPlan(plan, budget, words);
  assert.equal(preflight.fit, false);
  assert.ok(chunks.length >= 3, `${chunks.length} chunks`);
  for (const c of chunks) {
    assert.ok(words(c.text) * 1.5 <= 600, `chunk ${c.index}: ${words(c.text)} words`);
  }
});
