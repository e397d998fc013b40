import assert from "node:assert/strict";
import { join } from "node:path";
import { Store } from "../store/store.ts";
import type { ChatMessage } from "../llm/types.ts";
import {
  chatOnly,
  clearSession,
  lastSessionId,
  loadSession,
  newSessionId,
  saveMessage,
} from "./history.ts";

async function withStore(fn: (store: Store) => void | Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lao_pilot_hist_" });
  const store = Store.open(join(dir, ".lao", "state.db"));
  try {
    await fn(store);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const TURN: ChatMessage[] = [
  { role: "user", content: "what is in a.ts?" },
  {
    role: "assistant",
    content: null,
    tool_calls: [{
      id: "c1",
      type: "function",
      function: { name: "file_read", arguments: '{"path":"a.ts"}' },
    }],
  },
  { role: "tool", content: "export const a = 1;", tool_call_id: "c1" },
  { role: "assistant", content: "It exports a = 1." },
  { role: "user", content: "thanks" },
  { role: "assistant", content: "You're welcome." },
];

Deno.test("the conversation log gives back every message in order, tool calls included", async () => {
  await withStore((store) => {
    const id = newSessionId();
    for (const m of TURN) saveMessage(store, id, m);
    assert.equal(lastSessionId(store), id);
    assert.deepEqual(loadSession(store, id), TURN);
    assert.deepEqual(chatOnly(loadSession(store, id)).map((m) => [m.role, m.content]), [
      ["user", "what is in a.ts?"],
      ["assistant", "It exports a = 1."],
      ["user", "thanks"],
      ["assistant", "You're welcome."],
    ]);
  });
});

Deno.test("clearing a session empties it; a new session has another id and sees none of the old one", async () => {
  await withStore((store) => {
    const first = newSessionId();
    for (const m of TURN) saveMessage(store, first, m);
    const second = newSessionId();
    assert.notEqual(second, first);
    assert.match(second, /^[0-9a-f]{12}$/);
    assert.deepEqual(loadSession(store, second), []);
    saveMessage(store, second, { role: "user", content: "fresh start" });
    assert.deepEqual(loadSession(store, second), [{ role: "user", content: "fresh start" }]);
    assert.equal(loadSession(store, first).length, TURN.length);
    clearSession(store, first);
    assert.deepEqual(loadSession(store, first), []);
    assert.equal(loadSession(store, second).length, 1);
    assert.equal(lastSessionId(store), second);
  });
});
