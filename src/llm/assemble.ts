/**
 * Pure assembly of a chat answer from server payloads: streamed chunks
 * (content, reasoning and tool-call fragments) or a whole message, with
 * reasoning separated from the answer.
 *
 * @module
 */
import type { ToolCall, Usage } from "./types.ts";

/** Splits inline `<think>...</think>` reasoning out of `text`. */
export function splitThink(text: string): { content: string; reasoning: string } {
  const open = text.indexOf("<think>");
  const close = text.indexOf("</think>");
  if (close === -1) {
    if (open === -1) return { content: text, reasoning: "" };
    // Unterminated: everything after <think> is reasoning.
    return {
      content: text.slice(0, open).trim(),
      reasoning: text.slice(open + "<think>".length).trim(),
    };
  }
  // The template may have put <think> in the prompt, so only </think> appears.
  const start = open !== -1 && open < close ? open + "<think>".length : 0;
  const before = open !== -1 && open < close ? text.slice(0, open) : "";
  return {
    content: `${before}${text.slice(close + "</think>".length)}`.trim(),
    reasoning: text.slice(start, close).trim(),
  };
}

interface ToolFragment {
  index?: number;
  id?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
}

/** Accumulated state of a streamed answer. */
export interface StreamState {
  /** Raw content text (may still contain `<think>`). */
  content: string;
  /** Reasoning from dedicated fields. */
  reasoning: string;
  /** Tool calls by stream index. */
  tools: Map<number, ToolCall>;
  /** Last finish reason seen. */
  finishReason: string | null;
  /** Usage, if a usage chunk arrived. */
  usage: Usage;
}

/** Returns an empty stream state. */
export function newStreamState(): StreamState {
  return {
    content: "",
    reasoning: "",
    tools: new Map(),
    finishReason: null,
    usage: { promptTokens: 0, completionTokens: 0 },
  };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" ? value as Record<string, unknown> : undefined;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function readUsage(raw: unknown, rawTimings?: unknown): Usage | undefined {
  const usage = asRecord(raw);
  if (!usage) return undefined;
  const promptTokens = Number(usage.prompt_tokens ?? 0);
  const prefill = serverPrefill(promptTokens, asRecord(usage.prompt_tokens_details), rawTimings);
  return {
    promptTokens,
    completionTokens: Number(usage.completion_tokens ?? 0),
    ...(prefill === undefined ? {} : { prefillTokens: prefill }),
  };
}

/** The server's own count of prompt tokens it processed (not cached), if it gave one. */
function serverPrefill(
  promptTokens: number,
  details: Record<string, unknown> | undefined,
  rawTimings: unknown,
): number | undefined {
  const promptN = asRecord(rawTimings)?.prompt_n;
  if (typeof promptN === "number" && Number.isFinite(promptN) && promptN >= 0) return promptN;
  const cached = details?.cached_tokens;
  if (typeof cached === "number" && Number.isFinite(cached) && cached >= 0) {
    return Math.max(0, promptTokens - cached);
  }
  return undefined;
}

/**
 * Folds one streamed chunk into `state`. Tool-call names and arguments are
 * concatenated per index (older LM Studio sends `name: ""` on later chunks).
 */
export function applyChunk(state: StreamState, chunk: unknown): void {
  const body = asRecord(chunk);
  if (!body) return;
  const usage = readUsage(body.usage, body.timings);
  if (usage) state.usage = usage;
  const choices = Array.isArray(body.choices) ? body.choices : [];
  for (const rawChoice of choices) {
    const choice = asRecord(rawChoice);
    const delta = asRecord(choice?.delta);
    if (choice?.finish_reason) state.finishReason = String(choice.finish_reason);
    if (!delta) continue;
    state.content += text(delta.content);
    state.reasoning += text(delta.reasoning_content) + text(delta.reasoning);
    const calls = Array.isArray(delta.tool_calls) ? delta.tool_calls as ToolFragment[] : [];
    for (const fragment of calls) {
      const index = fragment.index ?? state.tools.size;
      const call = state.tools.get(index) ?? { id: "", name: "", arguments: "" };
      if (fragment.id) call.id = fragment.id;
      call.name += fragment.function?.name ?? "";
      call.arguments += fragment.function?.arguments ?? "";
      state.tools.set(index, call);
    }
  }
}

/** The parts of a chat result the payload decides. */
export interface AssembledAnswer {
  /** Answer without reasoning. */
  content: string;
  /** Reasoning text. */
  reasoning: string;
  /** Tool calls in index order. */
  toolCalls: ToolCall[];
  /** Finish reason. */
  finishReason: string | null;
  /** Usage. */
  usage: Usage;
}

/** Finishes a streamed answer: orders tool calls and separates inline reasoning. */
export function finishStream(state: StreamState): AssembledAnswer {
  const split = splitThink(state.content);
  const reasoning = [state.reasoning.trim(), split.reasoning].filter(Boolean).join("\n");
  const toolCalls = [...state.tools.entries()].sort(([a], [b]) => a - b).map(([i, call]) => ({
    ...call,
    id: call.id || `call_${i}`,
  }));
  return {
    content: split.content,
    reasoning,
    toolCalls,
    finishReason: state.finishReason,
    usage: state.usage,
  };
}

/** Assembles a non-streamed `chat.completion` body. */
export function assembleCompletion(body: unknown): AssembledAnswer {
  const record = asRecord(body);
  const choice = asRecord(Array.isArray(record?.choices) ? record.choices[0] : undefined);
  const message = asRecord(choice?.message);
  if (!message) throw new SyntaxError("reply has no choices[0].message");
  const state = newStreamState();
  applyChunk(state, {
    usage: record?.usage,
    timings: record?.timings,
    choices: [{ delta: message, finish_reason: choice?.finish_reason ?? null }],
  });
  return finishStream(state);
}
