import assert from "node:assert/strict";
import { InvalidRequestError, LlmError, ServerError } from "./errors.ts";
import { retryingClient } from "./retry.ts";
import type { ChatRequest, ChatResult, LlmClient } from "./types.ts";

const REQUEST: ChatRequest = {
  role: "coder",
  model: "m",
  messages: [{ role: "user", content: "a long conversation" }],
};

const OK: ChatResult = {
  content: "OK",
  reasoning: "",
  toolCalls: [],
  finishReason: "stop",
  usage: { promptTokens: 1, completionTokens: 1 },
  seconds: 0,
};

/** A client that fails the real request with the same 500 and answers `probeOk` to the probe. */
function deterministic(probeOk: boolean): LlmClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    chat(req) {
      const probe = req.messages[0]?.content === "Reply with OK.";
      calls.push(probe ? "probe" : "real");
      if (probe && probeOk) return Promise.resolve(OK);
      return Promise.reject(new ServerError("Server error 500: template exploded", 500));
    },
    embed: () => Promise.resolve([]),
  };
}

const options = { attempts: 3, baseDelayMs: 1, sleep: () => Promise.resolve() };

Deno.test("the same fast 500 for one body while the server answers a probe is the request's fault", async () => {
  const inner = deterministic(true);
  const err = await retryingClient(inner, options).chat(REQUEST).catch((e) => e);
  assert.ok(err instanceof InvalidRequestError, String(err));
  assert.equal(err.infrastructure, false);
  assert.deepEqual(inner.calls, ["real", "real", "probe", "real"]);
});

Deno.test("the same fast 500 for every request, probe included, stays an outage", async () => {
  const inner = deterministic(false);
  const err = await retryingClient(inner, options).chat(REQUEST).catch((e) => e);
  assert.ok(err instanceof ServerError, String(err));
  assert.ok(err instanceof LlmError && err.infrastructure);
});
