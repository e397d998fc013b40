/**
 * The Pilot conversation log in the `pilot_messages` table: every message of
 * a session (user, assistant with its tool calls, tool results) in order, and
 * the way back: the last session and its messages for `lao pilot --resume`.
 *
 * @module
 */
import type { Store } from "../store/store.ts";
import type { ChatMessage, ToolCallMessage } from "../llm/types.ts";

/** A new session id: 12 hex characters, unique per entry into Pilot. */
export function newSessionId(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 12);
}

/** Appends `m` to session `sessionId`. */
export function saveMessage(store: Store, sessionId: string, m: ChatMessage): void {
  store.addPilotMessage({
    sessionId,
    role: m.role,
    content: m.content,
    ...(m.role === "assistant" && m.tool_calls?.length ? { toolCalls: m.tool_calls } : {}),
    ...(m.role === "tool" ? { toolCallId: m.tool_call_id } : {}),
  });
}

/** The most recent session with messages, or null. */
export function lastSessionId(store: Store): string | null {
  const row = store.db.prepare(
    `SELECT session_id FROM pilot_messages ORDER BY id DESC LIMIT 1`,
  ).get() as { session_id: string } | undefined;
  return row?.session_id ?? null;
}

/** Every message of a session, in order. */
export function loadSession(store: Store, sessionId: string): ChatMessage[] {
  const rows = store.db.prepare(
    `SELECT role, content, tool_calls, tool_call_id FROM pilot_messages WHERE session_id = ? ORDER BY id`,
  ).all(sessionId) as {
    role: string;
    content: string | null;
    tool_calls: string | null;
    tool_call_id: string | null;
  }[];
  const out: ChatMessage[] = [];
  for (const r of rows) {
    if (r.role === "user") out.push({ role: "user", content: r.content ?? "" });
    else if (r.role === "assistant") {
      const calls = r.tool_calls ? JSON.parse(r.tool_calls) as ToolCallMessage[] : undefined;
      out.push({ role: "assistant", content: r.content, ...(calls ? { tool_calls: calls } : {}) });
    } else if (r.role === "tool") {
      out.push({ role: "tool", content: r.content ?? "", tool_call_id: r.tool_call_id ?? "" });
    }
  }
  return out;
}

/** Removes a session's messages. */
export function clearSession(store: Store, sessionId: string): void {
  store.db.prepare(`DELETE FROM pilot_messages WHERE session_id = ?`).run(sessionId);
}

/** The chat as the next turn sees it: user messages and final answers only. */
export function chatOnly(messages: readonly ChatMessage[]): ChatMessage[] {
  return messages.filter((m) =>
    m.role === "user" || (m.role === "assistant" && !m.tool_calls?.length && m.content)
  );
}
