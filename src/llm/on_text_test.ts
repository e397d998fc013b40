import assert from "node:assert/strict";
import { start } from "../../tests/fake_server/server.ts";
import { createOpenAiClient } from "./openai_client.ts";

const CODER = "qwen/qwen3-coder-30b";

Deno.test("a streamed answer's text reaches onText piece by piece, adding up to the answer", async () => {
  const answer = "Hello there, this answer arrives in several chunks of text.";
  await using fake = await start({ queues: { [CODER]: [{ content: answer }] } });
  const client = createOpenAiClient({ baseUrl: fake.url, apiKey: "lm-studio", timeoutMs: 5000 });
  const pieces: string[] = [];
  const result = await client.chat({
    role: "pilot",
    model: CODER,
    messages: [{ role: "user", content: "Say hi" }],
    max_tokens: 100,
    stream: true,
  }, { onText: (d) => pieces.push(d) });
  assert.equal(result.content, answer);
  assert.equal(pieces.join(""), answer);
  assert.ok(pieces.length > 1, `one piece per chunk, got ${pieces.length}`);
});

Deno.test("a whole (not streamed) answer never calls onText", async () => {
  await using fake = await start({ queues: { [CODER]: [{ content: "whole" }] } });
  const client = createOpenAiClient({ baseUrl: fake.url, apiKey: "lm-studio", timeoutMs: 5000 });
  const pieces: string[] = [];
  const result = await client.chat({
    role: "pilot",
    model: CODER,
    messages: [{ role: "user", content: "Say hi" }],
    max_tokens: 100,
  }, { onText: (d) => pieces.push(d) });
  assert.equal(result.content, "whole");
  assert.deepEqual(pieces, []);
});
