/**
 * Architect preflight and chunking: the plan is cut before every
 * heading, bullet and numbered item, then sections are packed greedily into
 * chunks whose architect prompt fits the planner's context budget.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { printable } from "../config/text_check.ts";
import { throwIfAborted } from "../errors.ts";
import { countApart } from "../llm/tokens.ts";

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
  let hasText = false;
  for (const line of plan.split(/\r?\n/)) {
    if (hasText && /^(#|- |\* |\d+[.)] )/.test(line)) {
      sections.push(current.join("\n").trim());
      current = [];
      hasText = false;
    }
    current.push(line);
    if (!hasText && line.trim()) hasText = true;
  }
  if (hasText) sections.push(current.join("\n").trim());
  return sections.filter((s) => s.length > 0);
}

/** Target prompt budget: floor(context × utilization). */
export function targetContext(b: ChunkBudget): number {
  return Math.floor(b.contextLength * b.maxContextUtilization);
}

/** Options of {@linkcode chunkPlanAsync}. */
export interface ChunkOptions {
  /** Checked whenever the work yields; an aborted signal stops it with InterruptedError. */
  signal?: AbortSignal;
  /** Longest stretch of synchronous work between two yields to the event loop (ms, default 50). */
  sliceMs?: number;
}

/**
 * Packs sections into chunks that fit the budget and returns the preflight
 * record. Linear in the plan's size: see {@linkcode chunkPlanAsync}, which
 * does the same work and yields to the event loop between steps.
 */
export function chunkPlan(
  plan: string,
  budget: ChunkBudget,
  estimate: ChunkEstimate,
): { chunks: Chunk[]; preflight: Preflight } {
  const steps = chunkSteps(plan, budget, estimate);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * {@linkcode chunkPlan} that yields to the event loop at least every
 * `sliceMs` so that Ctrl+C and SIGTERM take effect while a large plan is cut.
 */
export async function chunkPlanAsync(
  plan: string,
  budget: ChunkBudget,
  estimate: ChunkEstimate,
  opts: ChunkOptions = {},
): Promise<{ chunks: Chunk[]; preflight: Preflight }> {
  const steps = chunkSteps(plan, budget, estimate);
  const slice = opts.sliceMs ?? 50;
  let since = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - since >= slice) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      throwIfAborted(opts.signal);
      since = performance.now();
    }
  }
}

/** Characters counted in one call of the estimate (at whitespace where possible). */
const SLICE_CHARS = 8192;

/**
 * The work of chunking, as steps: sections are counted once (in slices of
 * about 8 KB, shared out by length), packed greedily on those counts, and
 * each chunk is counted once more to confirm it fits; a chunk that does not
 * is halved until it does. Every estimate call sees at most one slice, so
 * the total is about two counts of the plan.
 */
function* chunkSteps(
  plan: string,
  budget: ChunkBudget,
  estimate: ChunkEstimate,
): Generator<void, { chunks: Chunk[]; preflight: Preflight }> {
  const target = targetContext(budget);
  const margin = budget.margin ?? 1024;
  const overhead = estimate("");
  // A chunk fits when its prompt and its expected answer both fit: the answer
  // within max_completion, and prompt + answer within the target context.
  const fits = (promptTokens: number) => {
    const answer = Math.max(
      margin,
      Math.ceil((promptTokens - overhead) * (budget.outputRatio ?? 1.5)),
    );
    return answer <= budget.maxCompletion &&
      promptTokens + budget.reservedTokens + answer <= target;
  };
  /** Tokens of a text without the prompt around it, one slice per step. */
  function* count(text: string): Generator<void, number> {
    let total = 0;
    for (let at = 0; at < text.length;) {
      let end = Math.min(text.length, at + SLICE_CHARS);
      if (end < text.length) {
        const cut = text.lastIndexOf("\n", end);
        const space = cut > at ? cut : text.lastIndexOf(" ", end);
        if (space > at) end = space + 1;
      }
      total += countSlice(text.slice(at, end));
      at = end;
      yield;
    }
    return total;
  }
  // Long runs (quadratic for the encoder) are estimated apart, as token counting does.
  const countSlice = (text: string) =>
    countApart(text, (rest) => Math.max(0, estimate(rest) - overhead));

  const sections = splitSections(plan);
  yield;
  // Section sizes: counted in blocks of about one slice, shared out by length.
  const sizes: number[] = new Array(sections.length).fill(0);
  let separator = 0;
  for (let first = 0; first < sections.length;) {
    let last = first;
    let chars = sections[first]!.length;
    while (last + 1 < sections.length && chars + sections[last + 1]!.length <= SLICE_CHARS) {
      chars += sections[++last]!.length + 2;
    }
    const block = sections.slice(first, last + 1);
    const tokens = yield* count(block.join("\n\n"));
    const textChars = block.reduce((n, s) => n + s.length, 0) || 1;
    for (let k = first; k <= last; k++) {
      sizes[k] = (tokens * sections[k]!.length) / textChars;
    }
    first = last + 1;
  }
  if (sections.length > 1) separator = countSlice("a\n\nb") - countSlice("a b") + 1;
  const approx = (from: number, to: number) => {
    let sum = overhead;
    for (let k = from; k < to; k++) sum += sizes[k]! + (k > from ? separator : 0);
    return Math.ceil(sum);
  };
  const full = approx(0, sections.length);

  // Greedy packing on the section sizes.
  const ranges: [number, number][] = [];
  if (fits(full)) ranges.push([0, sections.length]);
  else {
    let from = 0;
    let sum = overhead;
    for (let k = 0; k < sections.length; k++) {
      const add = sizes[k]! + (k > from ? separator : 0);
      if (k > from && !fits(Math.ceil(sum + add))) {
        ranges.push([from, k]);
        from = k;
        sum = overhead + sizes[k]!;
      } else sum += add;
    }
    if (from < sections.length) ranges.push([from, sections.length]);
  }

  // Confirm each chunk with one count of its own text; halve the ones that do not fit.
  const chunks: Chunk[] = [];
  const pending = [...ranges].reverse();
  while (pending.length) {
    const [from, to] = pending.pop()!;
    const whole = from === 0 && to === sections.length;
    const text = whole ? plan.trim() : sections.slice(from, to).join("\n\n");
    let tokens = approx(from, to);
    if (to - from > 1) tokens = overhead + (yield* count(text));
    if (!fits(tokens) && to - from > 1) {
      const mid = from + Math.floor((to - from) / 2);
      pending.push([mid, to], [from, mid]);
      continue;
    }
    chunks.push({
      index: chunks.length,
      text,
      hash: createHash("sha256").update(text).digest("hex").slice(0, 16),
      estimatedTokens: tokens,
      oversized: !fits(tokens),
    });
  }
  const single = chunks.length === 1 && ranges.length === 1;
  const total = single ? chunks[0]!.estimatedTokens : full;
  return {
    chunks,
    preflight: {
      fit: single && chunks.length === 1 && fits(total),
      estimated_prompt_tokens: total,
      target_context_tokens: target,
      reserved_tokens: budget.reservedTokens,
      chunk_count: chunks.length,
      fallback_chain: ["split_sections", "summarize_then_decompose", "fail_fast"],
      max_completion_cap: Math.min(
        budget.maxCompletion,
        Math.max(256, target - total - budget.reservedTokens),
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
    `plan: ${printable(planFile)}`,
    `fits in one request: ${p.fit ? "yes" : "no"}`,
    `estimated prompt tokens: ${p.estimated_prompt_tokens}`,
    `target context tokens: ${p.target_context_tokens} (reserved ${p.reserved_tokens})`,
    `max completion: ${p.max_completion_cap}`,
    `chunks: ${p.chunk_count}`,
  ];
  for (const c of chunks) {
    const first = printable(c.text.slice(0, 200).split("\n")[0]!.slice(0, 60));
    lines.push(
      `  #${c.index + 1} ~${c.estimatedTokens} tokens${
        c.oversized ? " (too large: will be summarized)" : ""
      }  ${first}`,
    );
  }
  return lines;
}
