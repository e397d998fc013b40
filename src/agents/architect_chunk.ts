/**
 * Decomposing one plan chunk: ask the planner, parse tolerantly, one repair
 * turn that always fits the context, and answers cut off at `max_tokens`
 * handled by what they need: the tasks received are kept and the rest is
 * asked for (continue), or the chunk is split when not one task came through.
 *
 * @module
 */
import { estimateMessages } from "../llm/tokens.ts";
import type { ChatMessage, ChatResult } from "../llm/types.ts";
import { type Chunk, chunkCompletionBudget, splitSections } from "./chunking.ts";
import type { ModelPort } from "./model_port.ts";
import {
  architectContinueFormat,
  type ArchitectParse,
  architectResponseFormat,
  type ArchitectTask,
  parseArchitectReply,
  repairPrompt,
} from "./parse/architect.ts";
import { fillTemplate, wasCutOff } from "./truncation.ts";
import systemPrompt from "./prompts/architect_system.md" with { type: "text" };
import compressPrompt from "./prompts/architect_compress.md" with { type: "text" };
import continuePrompt from "./prompts/architect_continue.md" with { type: "text" };
import type { ResponseFormat } from "../llm/types.ts";

/** Smallest completion budget worth a request. */
const MIN_COMPLETION = 256;
/** Follow-up requests after a cut-off answer that still delivered tasks. */
const MAX_CONTINUATIONS = 4;
/** How often a chunk whose answer was cut before its first task is halved. */
const MAX_SPLIT_DEPTH = 3;
/** Characters of a failed answer quoted back in a repair turn that would not fit whole. */
const REPAIR_QUOTE = 1500;

/** The architect's messages for one chunk. */
export function architectMessages(chunkText: string, note = ""): ChatMessage[] {
  const ask = `Decompose this project plan into micro-tasks:\n\n${chunkText}`;
  return [
    { role: "system", content: systemPrompt.trim() },
    { role: "user", content: note ? `${ask}\n\n${note}` : ask },
  ];
}

/** Outcome of one chunk. */
export type ChunkResult = { ok: true; tasks: ArchitectTask[]; warnings: string[] } | {
  ok: false;
  error: string;
};

/** What decomposing a chunk needs: the model and the plan it is for. */
export interface ChunkContext {
  model: ModelPort;
  planId: string;
  /** The planner's chunk budget (context, utilization, reserve, max completion). */
  budget: Parameters<typeof chunkCompletionBudget>[1];
}

function promptTokens(c: ChunkContext, messages: ChatMessage[]): number {
  return Math.ceil(
    estimateMessages(c.model.count, messages) * c.model.factor("planner"),
  );
}

function ask(
  c: ChunkContext,
  messages: ChatMessage[],
  maxTokens: number,
  format: ResponseFormat = architectResponseFormat,
): Promise<ChatResult> {
  return c.model.callStructured(
    "planner",
    { messages, max_tokens: maxTokens, temperature: 0.3 },
    format,
    { planId: c.planId },
  );
}

const answerOf = (r: ChatResult) => r.content || r.reasoning;

/** Decomposes one stored chunk (compressing it first when it is oversized). */
export async function decomposeChunk(c: ChunkContext, chunk: Chunk): Promise<ChunkResult> {
  let text = chunk.text;
  if (chunk.oversized) {
    const summary = await c.model.call("planner", {
      messages: [
        { role: "system", content: compressPrompt.trim() },
        { role: "user", content: chunk.text },
      ],
      max_tokens: 1024,
      temperature: 0.2,
    }, { planId: c.planId });
    text = summary.content.trim() || chunk.text.slice(0, 4000);
  }
  return await decomposeText(c, text, 0);
}

async function decomposeText(c: ChunkContext, text: string, depth: number): Promise<ChunkResult> {
  const messages = architectMessages(text);
  const prompt = promptTokens(c, messages);
  const maxTokens = chunkCompletionBudget(prompt, c.budget);
  if (maxTokens < MIN_COMPLETION) {
    return {
      ok: false,
      error: `plan section too large for the planner context (${prompt} tokens)`,
    };
  }
  const first = await ask(c, messages, maxTokens);
  const parsed = parseArchitectReply(answerOf(first));
  if (wasCutOff(first)) return await afterCutOff(c, text, depth, parsed, maxTokens);
  if (parsed.errors.length === 0) return { ok: true, tasks: parsed.tasks, warnings: [] };
  return await repaired(c, messages, first, parsed);
}

/** The single repair turn, quoting the errors; its prompt and answer always fit the context. */
async function repaired(
  c: ChunkContext,
  messages: ChatMessage[],
  first: ChatResult,
  parsed: ArchitectParse,
): Promise<ChunkResult> {
  const warnings: string[] = [];
  const turn = (quoted: string): ChatMessage[] => [
    ...messages,
    { role: "assistant", content: quoted },
    { role: "user", content: repairPrompt(parsed.errors) },
  ];
  const answer = answerOf(first);
  let repair = turn(answer);
  let maxTokens = chunkCompletionBudget(promptTokens(c, repair), c.budget);
  if (maxTokens < MIN_COMPLETION) {
    repair = turn(`${answer.slice(0, REPAIR_QUOTE)}\n[... rest of the answer not repeated]`);
    maxTokens = chunkCompletionBudget(promptTokens(c, repair), c.budget);
  }
  let best = parsed;
  if (maxTokens >= MIN_COMPLETION) {
    const second = parseArchitectReply(answerOf(await ask(c, repair, maxTokens)));
    if (second.tasks.length >= parsed.tasks.length && second.tasks.length > 0) best = second;
  } else {
    warnings.push("no room left in the planner context for a repair turn");
  }
  warnings.push(...best.errors.map((e) => `kept valid tasks; ${e}`));
  if (best.tasks.length === 0) {
    const reason = best.errors[0] ?? "no tasks in the reply";
    return { ok: false, error: `could not read the architect's reply: ${reason}` };
  }
  return { ok: true, tasks: best.tasks, warnings };
}

/** The answer was cut at `max_tokens`: continue after the tasks received, or split the chunk. */
async function afterCutOff(
  c: ChunkContext,
  text: string,
  depth: number,
  parsed: ArchitectParse,
  maxTokens: number,
): Promise<ChunkResult> {
  const cut = `the planner's answer was cut at max_tokens=${maxTokens}`;
  if (parsed.tasks.length === 0) return await split(c, text, depth, cut);
  const tasks = [...parsed.tasks];
  const warnings: string[] = [];
  for (let n = 1; n <= MAX_CONTINUATIONS; n++) {
    const titles = tasks.map((t) => `- ${t.title}`).join("\n");
    const messages = architectMessages(
      text,
      fillTemplate(continuePrompt, { max_tokens: maxTokens, titles }),
    );
    const budget = chunkCompletionBudget(promptTokens(c, messages), c.budget);
    if (budget < MIN_COMPLETION) {
      warnings.push(`${cut}; no room left to ask for the remaining tasks`);
      break;
    }
    const reply = await ask(c, messages, budget, architectContinueFormat);
    const more = parseArchitectReply(answerOf(reply));
    const known = new Set(tasks.map((t) => t.title.toLowerCase()));
    const fresh = more.tasks.filter((t) => !known.has(t.title.toLowerCase()));
    tasks.push(...fresh);
    if (!wasCutOff(reply) || fresh.length === 0) {
      warnings.push(`${cut}; the remaining tasks came in ${n} more request${n > 1 ? "s" : ""}`);
      return { ok: true, tasks, warnings };
    }
  }
  warnings.push(`${cut} repeatedly; kept ${tasks.length} tasks`);
  return { ok: true, tasks, warnings };
}

/** Halves `text` at a section boundary (or a line) when it has more than one. */
export function halves(text: string): [string, string] | undefined {
  const sections = splitSections(text);
  const parts = sections.length >= 2 ? sections : text.split("\n").filter((l) => l.trim());
  if (parts.length < 2) return undefined;
  const mid = Math.ceil(parts.length / 2);
  const join = sections.length >= 2 ? "\n\n" : "\n";
  return [parts.slice(0, mid).join(join), parts.slice(mid).join(join)];
}

async function split(
  c: ChunkContext,
  text: string,
  depth: number,
  cut: string,
): Promise<ChunkResult> {
  const parts = depth < MAX_SPLIT_DEPTH ? halves(text) : undefined;
  if (!parts) {
    return {
      ok: false,
      error: `${cut} before one task was complete: raise models.planner.max_completion`,
    };
  }
  const tasks: ArchitectTask[] = [];
  const warnings = [`${cut} before one task was complete; split the section in two`];
  for (const part of parts) {
    const result = await decomposeText(c, part, depth + 1);
    if (!result.ok) return result;
    tasks.push(...result.tasks);
    warnings.push(...result.warnings);
  }
  return { ok: true, tasks, warnings };
}
