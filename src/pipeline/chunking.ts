/**
 * Architect preflight and chunking (spec §4.3): the plan is cut before every
 * heading, bullet and numbered item, then sections are packed greedily into
 * chunks whose architect prompt fits the planner's context budget.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** Counts the prompt tokens of the architect messages for a chunk text. */
export type ChunkEstimate = (chunkText: string) => number;

/** The preflight record stored with the plan (chunk texts excluded). */
export interface Preflight {
  fit: boolean;
  estimated_prompt_tokens: number;
  target_context_tokens: number;
  reserved_tokens: number;
  chunk_count: number;
  fallback_chain: string[];
  max_completion_cap: number;
}

/** One chunk of a plan. */
export interface Chunk {
  index: number;
  text: string;
  /** Content hash: chunk results are resumed by this, not by index. */
  hash: string;
  estimatedTokens: number;
  /** True when even this chunk alone exceeds the budget. */
  oversized: boolean;
}

/** Budget inputs. */
export interface ChunkBudget {
  contextLength: number;
  maxContextUtilization: number;
  reservedTokens: number;
  maxCompletion: number;
  /** Room always left for the answer (default 1024). */
  margin?: number;
  /**
   * Expected answer size relative to the chunk text: the architect restates
   * every item as a task with a description (default 1.5).
   */
  outputRatio?: number;
}

/** Splits a plan before each heading, bullet or numbered item; empty sections dropped. */
export function splitSections(plan: string): string[] {
  const sections: string[] = [];
  let current: string[] = [];
  for (const line of plan.split(/\r?\n/)) {
    if (/^(#|- |\* |\d+[.)] )/.test(line) && current.some((l) => l.trim())) {
      sections.push(current.join("\n").trim());
      current = [];
    }
    current.push(line);
  }
  if (current.some((l) => l.trim())) sections.push(current.join("\n").trim());
  return sections.filter((s) => s.length > 0);
}

/** Target prompt budget: floor(context × utilization). */
export function targetContext(b: ChunkBudget): number {
  return Math.floor(b.contextLength * b.maxContextUtilization);
}

/** Packs sections into chunks that fit the budget and returns the preflight record. */
export function chunkPlan(
  plan: string,
  budget: ChunkBudget,
  estimate: ChunkEstimate,
): { chunks: Chunk[]; preflight: Preflight } {
  const target = targetContext(budget);
  const margin = budget.margin ?? 1024;
  const overhead = estimate("");
  // A chunk fits when its prompt and its expected answer both fit: the answer
  // within max_completion, and prompt + answer within the target context.
  const expectedOutput = (text: string) =>
    Math.ceil((estimate(text) - overhead) * (budget.outputRatio ?? 1.5));
  const fitsBudget = (text: string) => {
    const answer = Math.max(margin, expectedOutput(text));
    return answer <= budget.maxCompletion &&
      estimate(text) + budget.reservedTokens + answer <= target;
  };
  const full = estimate(plan);
  const texts: string[] = [];
  if (fitsBudget(plan)) texts.push(plan.trim());
  else {
    let current = "";
    for (const section of splitSections(plan)) {
      const candidate = current ? `${current}\n\n${section}` : section;
      if (!current || fitsBudget(candidate)) {
        current = candidate;
        continue;
      }
      texts.push(current);
      current = section;
    }
    if (current) texts.push(current);
  }
  const chunks = texts.map((text, index) => ({
    index,
    text,
    hash: createHash("sha256").update(text).digest("hex").slice(0, 16),
    estimatedTokens: estimate(text),
    oversized: !fitsBudget(text),
  }));
  return {
    chunks,
    preflight: {
      fit: fitsBudget(plan),
      estimated_prompt_tokens: full,
      target_context_tokens: target,
      reserved_tokens: budget.reservedTokens,
      chunk_count: chunks.length,
      fallback_chain: ["split_sections", "summarize_then_decompose", "fail_fast"],
      max_completion_cap: Math.min(
        budget.maxCompletion,
        Math.max(256, target - full - budget.reservedTokens),
      ),
    },
  };
}

/** Completion budget for one chunk: what is left of the target, capped by max_completion. */
export function chunkCompletionBudget(promptTokens: number, b: ChunkBudget): number {
  const headroom = targetContext(b) - promptTokens - b.reservedTokens;
  return Math.min(b.maxCompletion, headroom);
}

/** Renders the preflight as the lines `lao preflight` prints. */
export function formatPreflight(planFile: string, p: Preflight, chunks: Chunk[]): string[] {
  const lines = [
    `plan: ${planFile}`,
    `fits in one request: ${p.fit ? "yes" : "no"}`,
    `estimated prompt tokens: ${p.estimated_prompt_tokens}`,
    `target context tokens: ${p.target_context_tokens} (reserved ${p.reserved_tokens})`,
    `max completion: ${p.max_completion_cap}`,
    `chunks: ${p.chunk_count}`,
  ];
  for (const c of chunks) {
    const first = c.text.split("\n")[0]!.slice(0, 60);
    lines.push(
      `  #${c.index + 1} ~${c.estimatedTokens} tokens${
        c.oversized ? " (too large: will be summarized)" : ""
      }  ${first}`,
    );
  }
  return lines;
}
