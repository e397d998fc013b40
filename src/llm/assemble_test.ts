import assert from "node:assert/strict";
import { applyChunk, assembleCompletion, finishStream, newStreamState } from "./assemble.ts";

const message = { role: "assistant", content: "ok" };

Deno.test("assembleCompletion() takes prefill from llama.cpp's timings.prompt_n", () => {
  const answer = assembleCompletion({
    choices: [{ message, finish_reason: "stop" }],
    usage: { prompt_tokens: 900, completion_tokens: 5 },
    timings: { cache_n: 850, prompt_n: 50 },
  });
  assert.deepEqual(answer.usage, { promptTokens: 900, completionTokens: 5, prefillTokens: 50 });
});

Deno.test("a streamed usage chunk with cached_tokens gives prompt minus cached; none gives no prefill", () => {
  const state = newStreamState();
  applyChunk(state, { choices: [{ delta: message }] });
  applyChunk(state, {
    choices: [],
    usage: {
      prompt_tokens: 300,
      completion_tokens: 2,
      prompt_tokens_details: { cached_tokens: 280 },
    },
  });
  assert.equal(finishStream(state).usage.prefillTokens, 20);
  const plain = assembleCompletion({
    choices: [{ message }],
    usage: { prompt_tokens: 300, completion_tokens: 2 },
  });
  assert.equal("prefillTokens" in plain.usage, false);
});
