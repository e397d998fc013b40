import assert from "node:assert/strict";
import { InterruptedError } from "../errors.ts";
import {
  chunkCompletionBudget,
  chunkPlan,
  chunkPlanAsync,
  formatPreflight,
  splitSections,
} from "./chunking.ts";

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

/** An estimate that records how much text it was given (the work chunking does). */
function spy() {
  const seen = { calls: 0, chars: 0, longest: 0 };
  const estimate = (t: string) => {
    seen.calls++;
    seen.chars += t.length;
    seen.longest = Math.max(seen.longest, t.length);
    return Math.ceil(t.length / 4) + 10;
  };
  return { seen, estimate };
}

const smallBudget = {
  contextLength: 4096,
  maxContextUtilization: 0.85,
  reservedTokens: 256,
  maxCompletion: 2048,
  margin: 256,
};

Deno.test("chunking counts a plan of 1,000 headings about twice, not once per section", () => {
  const plan = Array.from({ length: 1000 }, (_, i) => `# Heading ${i}\n${"text ".repeat(30)}`)
    .join("\n");
  const { seen, estimate } = spy();
  const { chunks } = chunkPlan(plan, smallBudget, estimate);
  assert.ok(chunks.length > 10);
  assert.ok(seen.chars <= 3 * plan.length, `${seen.chars} chars counted for ${plan.length}`);
  assert.ok(seen.longest <= 8192 + 16, `one count saw ${seen.longest} chars`);
  for (const c of chunks) assert.ok(!c.oversized, `chunk ${c.index} oversized`);
  assert.equal(chunks.map((c) => c.text).join("\n\n").split("# Heading").length, 1001);
});

Deno.test("a 2 MB plan is counted in bounded slices, linear in its size", () => {
  const line = "- Implement the parser for the config module and add tests for it\n";
  const plan = line.repeat(Math.ceil(2_000_000 / line.length));
  const { seen, estimate } = spy();
  const { chunks, preflight } = chunkPlan(plan, smallBudget, estimate);
  assert.ok(chunks.length > 100);
  assert.ok(seen.chars <= 3 * plan.length);
  assert.ok(seen.longest <= 8192 + 16);
  assert.ok(preflight.estimated_prompt_tokens >= plan.length / 4);
});

Deno.test("a 5 KB line of '>' never reaches the counter as one run", () => {
  const plan = `# Quote\n${">".repeat(5000)}\n- item\n`;
  const { seen, estimate } = spy();
  let longestRun = 0;
  const { chunks } = chunkPlan(plan, smallBudget, (t) => {
    for (const m of t.matchAll(/>+/g)) longestRun = Math.max(longestRun, m[0].length);
    return estimate(t);
  });
  assert.ok(longestRun < 16, `the counter saw a run of ${longestRun}`);
  // Estimated on the safe side: at least one token per 8 characters (what cl100k gives).
  assert.ok(chunks.reduce((n, c) => n + c.estimatedTokens, 0) >= 5000 / 8);
  assert.ok(seen.calls < 20);
});

Deno.test("chunkPlanAsync yields to the event loop: an abort from a macrotask stops it", async () => {
  const plan = Array.from({ length: 2000 }, (_, i) => `- item ${i} ${"word ".repeat(40)}`)
    .join("\n");
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 0);
  const { estimate } = spy();
  await assert.rejects(
    chunkPlanAsync(plan, smallBudget, estimate, { signal: ac.signal, sliceMs: 0 }),
    InterruptedError,
  );
  const done = await chunkPlanAsync(plan, smallBudget, estimate, { sliceMs: 0 });
  assert.deepEqual(
    done.chunks.map((c) => c.hash),
    chunkPlan(plan, smallBudget, estimate).chunks.map((c) => c.hash),
  );
});

Deno.test("the preflight report never prints control bytes", () => {
  const plan = "# \u001b[31mred\u0007 title\n- a";
  const { chunks, preflight } = chunkPlan(plan, smallBudget, spy().estimate);
  const lines = formatPreflight("p\u001b.md", preflight, chunks);
  for (const l of lines) {
    // deno-lint-ignore no-control-regex -- the test looks for control bytes on purpose
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(l), JSON.stringify(l));
  }
});
