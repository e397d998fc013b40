import assert from "node:assert/strict";
import { defaultConfig } from "../config/defaults.ts";
import { EventBus } from "../events/bus.ts";
import type { LaoEvent } from "../events/types.ts";
import { BadRequestError } from "../llm/errors.ts";
import { TokenCalibration } from "../llm/tokens.ts";
import type { ChatResult, LlmClient } from "../llm/types.ts";
import { replayModelManager } from "../models/replay_manager.ts";
import { Store } from "../store/store.ts";
import { callModel, createModelPort, type ModelCallPorts } from "./model_call.ts";

const ANSWER: ChatResult = {
  content: "done",
  reasoning: "",
  toolCalls: [],
  finishReason: "stop",
  usage: { promptTokens: 50, completionTokens: 400 },
  seconds: 0,
};

/** Just enough pipeline around one LLM client; `store` must be closed by the caller. */
function fakeDeps(llm: LlmClient, now: () => Date = () => new Date()) {
  const config = defaultConfig("/tmp/unused");
  const bus = new EventBus();
  const events: LaoEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const store = Store.open(":memory:");
  const deps: ModelCallPorts = {
    config,
    store,
    llm: () => llm,
    models: replayModelManager(config),
    emit: bus.emit,
    count: (t: string) => t.length,
    calibration: new TokenCalibration(),
    signal: new AbortController().signal,
    now,
  };
  return { deps, events, store };
}

Deno.test("a long streamed answer reports its progress every 10 s and the call is recorded", async () => {
  let clock = 0;
  const llm: LlmClient = {
    chat: (req, opts) => {
      assert.equal(req.stream, true);
      for (const chars of [400, 800, 1200, 1600]) {
        clock += 6000;
        opts?.onProgress?.({ chars });
      }
      return Promise.resolve(ANSWER);
    },
    embed: () => Promise.resolve([]),
  };
  const { deps, events, store } = fakeDeps(llm, () => new Date(clock));
  try {
    const result = await callModel(deps, "coder", { messages: [{ role: "user", content: "hi" }] });
    assert.equal(result.content, "done");
    const progress = events.filter((e) => e.type === "llm.progress");
    assert.deepEqual(progress.map((e) => e.type === "llm.progress" && [e.tokens, e.seconds]), [
      [200, 12],
      [400, 24],
    ]);
    assert.deepEqual(store.tokensByRole(), { coder: { prompt: 50, completion: 400, calls: 1 } });
  } finally {
    store.close();
  }
});

Deno.test("structured output is asked for until a server rejects it, then plain text from then on", async () => {
  const seen: (string | undefined)[] = [];
  const llm: LlmClient = {
    chat: (req) => {
      seen.push(req.response_format?.type);
      return req.response_format
        ? Promise.reject(new BadRequestError("response_format unsupported"))
        : Promise.resolve(ANSWER);
    },
    embed: () => Promise.resolve([]),
  };
  const { deps, store } = fakeDeps(llm);
  try {
    const format = { type: "json_schema" as const, json_schema: { name: "x", schema: {} } };
    const req = { messages: [{ role: "user" as const, content: "hi" }] };
    const model = createModelPort(deps);
    await model.callStructured("reviewer", req, format);
    await model.callStructured("planner", req, format);
    assert.deepEqual(seen, ["json_schema", undefined, undefined]);
  } finally {
    store.close();
  }
});
