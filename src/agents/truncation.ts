/**
 * Answers cut off at `max_tokens` (`finish_reason: "length"`): nothing in them
 * is executed; the transcript gets a valid, short record of what was cut and
 * a note that tells the model to work in smaller pieces.
 *
 * @module
 */
import type { ChatMessage, ChatResult } from "../llm/types.ts";
import { repairJson } from "../parse/json_repair.ts";
import coderTruncated from "./prompts/coder_truncated.md" with { type: "text" };

/** Longest string argument kept verbatim in the record of a cut-off call. */
const KEEP_STRING = 200;
/** Characters of a cut-off text answer kept in the transcript. */
const KEEP_TEXT = 1500;

/** True when the server stopped the answer at the completion limit. */
export function wasCutOff(reply: Pick<ChatResult, "finishReason">): boolean {
  return reply.finishReason === "length";
}

/** Fills `{{key}}` placeholders of a prompt template. */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(
    /\{\{(\w+)\}\}/g,
    (m, key: string) => key in values ? String(values[key]) : m,
  ).trim();
}

/**
 * Valid JSON for a cut-off call's arguments in the history: what could be
 * recovered, with long strings replaced by a marker (they were never run and
 * would only fill the context again).
 */
export function elidedArguments(raw: string): string {
  const value = recovered(raw);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = typeof v === "string" && v.length > KEEP_STRING
      ? `[cut off after ${v.length} characters]`
      : v;
  }
  return JSON.stringify(out);
}

/** What can be read of cut-off arguments (the incomplete last value is dropped). */
function recovered(raw: string): Record<string, unknown> {
  const value = repairJson(raw.trim())?.value;
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

/** " while writing a file_write call for src/a.ts" (or "" when nothing is known). */
function whatWasCut(reply: ChatResult): string {
  const call = reply.toolCalls.at(-1);
  if (!call) return reply.content.trim() ? "" : " before any usable output";
  const args = recovered(call.arguments);
  const target = typeof args.path === "string" ? ` for ${args.path}` : "";
  return ` while writing a ${call.name || "tool"} call${target}`;
}

/** The note sent after a cut-off coder answer. */
export function coderTruncationNote(reply: ChatResult, maxTokens: number): string {
  return fillTemplate(coderTruncated, { max_tokens: maxTokens, what: whatWasCut(reply) });
}

/**
 * Messages recording a cut-off coder answer: the assistant turn (valid
 * arguments, long strings elided; text shortened), a "not run" result for
 * each call, and the note asking for smaller pieces.
 */
export function truncatedTurn(reply: ChatResult, maxTokens: number): ChatMessage[] {
  const note = coderTruncationNote(reply, maxTokens);
  const notRun =
    `NOT RUN: the answer was cut off at max_tokens=${maxTokens} before this call was complete.`;
  if (reply.toolCalls.length > 0) {
    return [
      {
        role: "assistant",
        content: reply.content.slice(0, KEEP_TEXT) || null,
        tool_calls: reply.toolCalls.map((c, i) => ({
          id: c.id || `call_${i}`,
          type: "function" as const,
          function: { name: c.name || "unknown", arguments: elidedArguments(c.arguments) },
        })),
      },
      ...reply.toolCalls.map((c, i): ChatMessage => ({
        role: "tool",
        tool_call_id: c.id || `call_${i}`,
        content: notRun,
      })),
      { role: "user", content: note },
    ];
  }
  const text = reply.content.trim();
  const shown = text.length > KEEP_TEXT
    ? `${text.slice(0, KEEP_TEXT)}\n[... ${text.length - KEEP_TEXT} more characters, cut off]`
    : text || `(answer cut off at max_tokens=${maxTokens} before any visible output)`;
  return [{ role: "assistant", content: shown }, { role: "user", content: note }];
}
