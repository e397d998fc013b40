import assert from "node:assert/strict";
import { defaultConfig } from "../config/defaults.ts";
import { replayModelManager } from "../models/replay_manager.ts";
import { start } from "../../tests/fake_server/server.ts";
import { recordingClient, replayClient, requestMismatch } from "./cassette.ts";
import { createOpenAiClient } from "./openai_client.ts";
import type { ChatRequest } from "./types.ts";

const CODER = "qwen/qwen3-coder-30b";
const REVIEWER = "deepseek-r1-distill-qwen-32b";

function ask(role: "coder" | "reviewer", model: string, text: string): ChatRequest {
  return { role, model, messages: [{ role: "user", content: text }] };
}

Deno.test("a recorded session replays in order per role without a server", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lao_cassette_" });
  try {
    const file = `${dir}/run.jsonl`;
    {
      await using fake = await start({
        queues: {
          [CODER]: [{ content: "code 1" }, { content: "code 2" }],
          [REVIEWER]: [{ content: "APPROVED" }],
        },
      });
      const live = recordingClient(
        createOpenAiClient({ baseUrl: fake.url, apiKey: "k", timeoutMs: 5000 }),
        file,
      );
      await live.chat(ask("coder", CODER, "a"));
      await live.chat(ask("reviewer", REVIEWER, "b"));
      await live.chat(ask("coder", CODER, "c"));
      await live.embed("text-embedding-nomic-embed-text-v1.5", ["x"]);
    }
    const lines = (await Deno.readTextFile(file)).trim().split("\n");
    assert.equal(lines.length, 4);
    const replay = replayClient(file);
    assert.equal((await replay.chat(ask("reviewer", REVIEWER, "b"))).content, "APPROVED");
    assert.equal((await replay.chat(ask("coder", CODER, "a"))).content, "code 1");
    assert.equal((await replay.chat(ask("coder", CODER, "c"))).content, "code 2");
    assert.equal(
      (await replay.embed("text-embedding-nomic-embed-text-v1.5", ["x"]))[0]?.length,
      64,
    );
    await assert.rejects(
      replay.chat(ask("coder", CODER, "d")),
      /Cassette exhausted at coder request #3/,
    );
    const again = replayClient(file);
    await assert.rejects(
      again.chat(ask("coder", "other-model", "a")),
      /Cassette mismatch at coder request #1: expected model "qwen\/qwen3-coder-30b", got "other-model"/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the replay model manager counts loads and swaps without a server", async () => {
  const manager = replayModelManager(defaultConfig("/tmp"));
  await manager.ensureLoaded("planner");
  await manager.ensureLoaded("pilot");
  await manager.ensureLoaded("coder");
  await manager.ensureLoaded("embedder");
  const stats = manager.stats();
  assert.deepEqual([stats.loads, stats.unloads, stats.swaps], [2, 1, 1]);
});

Deno.test("a tool-list mismatch caused by the shell setting says which setting to change", () => {
  const tool = (name: string) => ({
    type: "function" as const,
    function: { name, description: "", parameters: {} },
  });
  const base = { role: "coder" as const, model: "m", messages: [] };
  const recorded = { ...base, tools: [tool("file_read")] };
  const live = { ...base, tools: [tool("file_read"), tool("shell_exec")] };
  assert.equal(
    requestMismatch(recorded, live),
    "expected tools [file_read], got [file_read,shell_exec]: the cassette was recorded with tools.shell.enabled: false; set the same in factory.yaml",
  );
});
