/**
 * Chunking benchmark: the time to chunk a 2 MB plan with the planner's
 * default budget, next to the time of one token count of the same text. The
 * ratio is the figure: chunking is linear when it stays a small constant
 * (about two counts), whatever the machine.
 *
 * @module
 */
import { architectMessages } from "../src/agents/architect.ts";
import { defaultConfig } from "../src/config/defaults.ts";
import { cl100k, estimateMessages } from "../src/llm/tokens.ts";
import { chunkPlan } from "../src/agents/chunking.ts";
import { type Stat, stat } from "./stats.ts";

/** A plan of about `bytes` bytes: phases, headings, bullets and prose. */
export function syntheticPlan(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const part = i % 40 === 0
      ? `## Phase ${i / 40 + 1}\n\nGoals of this phase, with the constraints that apply to it.`
      : `- Implement item ${i}: parse the input, validate every field and return a typed result; add tests for the edge cases.`;
    parts.push(part);
    size += part.length + 1;
  }
  return parts.join("\n");
}

/** Chunks a plan of `bytes` and counts it once; returns both times and the chunk count. */
export async function benchChunking(bytes = 2 * 1024 * 1024) {
  const count = await cl100k();
  const config = defaultConfig("/tmp");
  const planner = config.models.planner;
  const plan = syntheticPlan(bytes);
  count("warm up");
  const t0 = performance.now();
  const tokens = count(plan);
  const countMs = performance.now() - t0;
  const t1 = performance.now();
  const { chunks } = chunkPlan(plan, {
    contextLength: planner.context_length,
    maxContextUtilization: config.orchestration.max_context_utilization,
    reservedTokens: config.orchestration.preflight_reserved_tokens,
    maxCompletion: planner.max_completion,
  }, (text) => estimateMessages(count, architectMessages(text)));
  const chunkMs = performance.now() - t1;
  return { bytes: plan.length, tokens, chunks: chunks.length, countMs, chunkMs };
}

/** `runs` chunkings of a 2 MB plan: count time, chunk time and their ratio. */
export async function benchChunkingRuns(
  runs: number,
): Promise<{ chunks: number; countMs: Stat; chunkMs: Stat; chunkOverCount: Stat }> {
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await benchChunking());
  return {
    chunks: all[0]!.chunks,
    countMs: stat(all.map((r) => r.countMs)),
    chunkMs: stat(all.map((r) => r.chunkMs)),
    chunkOverCount: stat(all.map((r) => r.chunkMs / r.countMs)),
  };
}

if (import.meta.main) console.log(await benchChunkingRuns(3));
