import assert from "node:assert/strict";
import type { ChatResult } from "../llm/types.ts";
import { elidedArguments, truncatedTurn } from "./truncation.ts";

const reply = (over: Partial<ChatResult>): ChatResult => ({
  content: "",
  reasoning: "",
  toolCalls: [],
  finishReason: "length",
  usage: { promptTokens: 0, completionTokens: 4096 },
  seconds: 1,
  ...over,
});

Deno.test("a cut-off call is recorded with valid JSON arguments and long strings elided", () => {
  const raw = `{"path": "a.py", "content": "${"x".repeat(5000)}", "mo`;
  const args = JSON.parse(elidedArguments(raw));
  assert.equal(args.path, "a.py");
  assert.match(String(args.content), /cut off after \d+ characters/);
  assert.deepEqual(JSON.parse(elidedArguments("not json at all")), {});
});

Deno.test("a cut-off answer becomes not-run results and a note naming max_tokens", () => {
  const turn = truncatedTurn(
    reply({
      toolCalls: [{ id: "7", name: "file_write", arguments: '{"path": "big.py", "content": "de' }],
    }),
    4096,
  );
  assert.deepEqual(turn.map((m) => m.role), ["assistant", "tool", "user"]);
  const assistant = turn[0]!;
  assert.ok(assistant.role === "assistant" && assistant.tool_calls);
  for (const c of assistant.tool_calls) JSON.parse(c.function.arguments);
  assert.match(turn[1]!.content ?? "", /^NOT RUN/);
  assert.match(turn[2]!.content ?? "", /cut off at max_tokens=4096 .*file_write call for big\.py/s);
  // An answer the server held back entirely still alternates assistant/user.
  const held = truncatedTurn(reply({}), 512);
  assert.deepEqual(held.map((m) => m.role), ["assistant", "user"]);
  assert.match(held[1]!.content ?? "", /max_tokens=512 .*before any usable output/s);
});
