/**
 * Keeps a tool-loop transcript inside a token budget without breaking it:
 * the system prompt and the first user message (the task) are never
 * dropped; an assistant message with `tool_calls` and its tool results are
 * kept or dropped together; old large tool results are shortened before
 * anything is dropped.
 *
 * @module
 */

/** The parts of a chat message the trimmer looks at. */
export interface TranscriptMessage {
  role: "system" | "user" | "assistant" | "tool";
  content?: string | null;
  tool_calls?: readonly { id: string }[] | null;
  tool_call_id?: string;
}

/** Estimates one message's tokens. */
export type EstimateTokens<M> = (message: M) => number;

/** Results longer than this are elided first. */
const ELIDE_OVER_CHARS = 400;

/** Splits messages after the pinned ones into units that must stay together. */
function groupUnits<M extends TranscriptMessage>(messages: readonly M[]): M[][] {
  const units: M[][] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role === "tool") continue; // orphan result (its parent is gone): never sent
    if (m.role !== "assistant" || !m.tool_calls?.length) {
      units.push([m]);
      continue;
    }
    const ids = new Set(m.tool_calls.map((c) => c.id));
    const unit: M[] = [m];
    let j = i + 1;
    while (j < messages.length && messages[j]!.role === "tool") {
      if (ids.has(messages[j]!.tool_call_id ?? "")) unit.push(messages[j]!);
      j++;
    }
    const answered = new Set(unit.slice(1).map((t) => t.tool_call_id));
    if ([...ids].every((id) => answered.has(id))) units.push(unit);
    i = j - 1;
  }
  return units;
}

/**
 * Returns a copy of `messages` that fits `budgetTokens` when possible.
 *
 * @example
 * ```ts
 * import { trimTranscript } from "./transcript.ts";
 * const msgs = [{ role: "system" as const, content: "s" }, { role: "user" as const, content: "task" }];
 * trimTranscript(msgs, 10, (m) => (m.content ?? "").length); // unchanged
 * ```
 */
export function trimTranscript<M extends TranscriptMessage>(
  messages: readonly M[],
  budgetTokens: number,
  estimate: EstimateTokens<M>,
): M[] {
  const firstUser = messages.findIndex((m) => m.role === "user");
  const pinnedEnd = Math.max(firstUser, messages[0]?.role === "system" ? 0 : -1) + 1;
  const pinned = messages.slice(0, pinnedEnd).filter((m) =>
    m.role === "system" || m.role === "user"
  );
  const units = groupUnits(messages.slice(pinnedEnd)).map((u) => [...u]);
  const total = () => [...pinned, ...units.flat()].reduce((s, m) => s + estimate(m), 0);

  // 1. Elide old large tool results (oldest first), never the latest unit.
  for (let u = 0; u < units.length - 1 && total() > budgetTokens; u++) {
    units[u] = units[u]!.map((m) => {
      const text = m.content ?? "";
      if (m.role !== "tool" || text.length <= ELIDE_OVER_CHARS) return m;
      return { ...m, content: `[output elided: ${text.length} chars]` };
    });
  }
  // 2. Drop whole units, oldest first, keeping the latest.
  while (units.length > 1 && total() > budgetTokens) units.shift();
  return [...pinned, ...units.flat()];
}
