import assert from "node:assert/strict";
import { defaultConfig } from "../config/defaults.ts";
import { EventBus } from "../events/bus.ts";
import type { LaoEvent } from "../events/types.ts";
import { TokenCalibration } from "../llm/tokens.ts";
import type { LlmClient } from "../llm/types.ts";
import { replayModelManager } from "../models/replay_manager.ts";
import { Store } from "../store/store.ts";
import type { PipelineDeps } from "./deps.ts";
import { callModel } from "./model_call.ts";

Deno.test("a long streamed answer reports its progress every 10 s and the call is recorded", async () => {
  let clock = 0;
  const bus = new EventBus();
  const events: LaoEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const llm: LlmClient = {
    chat: (req, opts) => {
      assert.equal(req.stream, true);
      for (const chars of [400, 800, 1200, 1600]) {
        clock += 6000;
        opts?.onProgress?.({ chars });
      }
      return Promise.resolve({
        content: "done",
        reasoning: "",
        toolCalls: [],
        finishReason: "stop",
        usage: { promptTokens: 50, completionTokens: 400 },
        seconds: clock / 1000,
      });
    },
    embed: () => Promise.resolve([]),
  };
  const config = defaultConfig("/tmp/unused");
  const store = Store.open(":memory:");
  try {
    const deps = {
      config,
      store,
      llm: () => llm,
      models: replayModelManager(config),
      emit: bus.emit,
      bus,
      count: (t: string) => t.length,
      calibration: new TokenCalibration(),
      signal: new AbortController().signal,
      now: () => new Date(clock),
    } as unknown as PipelineDeps;
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
