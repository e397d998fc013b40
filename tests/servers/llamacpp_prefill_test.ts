import assert from "node:assert/strict";
import { join } from "node:path";
import { defaultConfig } from "../../src/config/defaults.ts";
import { EventBus } from "../../src/events/bus.ts";
import { buildRunPorts } from "../../src/pipeline/build_deps.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { WorkspaceGuard } from "../../src/workspace/guard.ts";
import { Store } from "../../src/store/store.ts";
import { type ChatBody, type Reply, start } from "../fake_server/server.ts";

const SERVED = "qwen/qwen3-coder-30b";

function respond(body: ChatBody): Reply {
  const system = String(body.messages?.[0]?.content ?? "");
  if (/architect/i.test(system)) {
    return {
      content: JSON.stringify([{
        title: "Greeting",
        description: "Write greet.py",
        file_paths: ["greet.py"],
        dependencies: [],
        phase: null,
        deliverable_ids: [],
      }]),
    };
  }
  if (body.tools) {
    const last = body.messages?.[body.messages.length - 1];
    if (last?.role === "tool") return { content: "Wrote greet.py." };
    return {
      toolCalls: [{ name: "file_write", arguments: { path: "greet.py", content: "x = 1\n" } }],
    };
  }
  return { content: '{"verdict": "APPROVED", "findings": [], "summary": "fine"}' };
}

Deno.test("model-call records keep llama.cpp's own prefill count (timings.prompt_n)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lao_llamacpp_prefill_" });
  await using fake = await start({
    flavor: "llamacpp",
    llamacppMode: "single",
    loaded: [SERVED],
    respond,
  });
  const config = defaultConfig(dir);
  config.lm_studio_base_url = fake.url;
  config.server.kind = "llamacpp";
  for (const role of ["planner", "coder", "reviewer", "pilot"] as const) {
    config.models[role].key = SERVED;
  }
  config.orchestration.retry_cooldown_base_s = 0;
  config.git.enabled = false;
  const bus = new EventBus();
  const store = Store.open(join(dir, ".lao", "state.db"), { emit: bus.emit });
  const controller = new AbortController();
  try {
    const deps = await buildRunPorts({
      config,
      configDir: dir,
      store,
      bus,
      signal: controller.signal,
      stopping: () => false,
      version: "test",
      workspaceFs: async (ws) => {
        await Deno.mkdir(ws, { recursive: true });
        return await WorkspaceGuard.open(ws);
      },
    });
    await Deno.mkdir(join(dir, "plans"), { recursive: true });
    const planPath = join(dir, "plans", "greet.md");
    await Deno.writeTextFile(planPath, "# Greet\n\n- greet.py: x = 1\n");
    await runPipeline(deps, { planPath, singleRun: true });
    const tokens = store.tokensByRole();
    const prefill = store.prefillByRole();
    assert.deepEqual(Object.keys(prefill).sort(), ["coder", "planner", "reviewer"]);
    for (const [role, p] of Object.entries(prefill)) {
      assert.equal(p.reported, tokens[role]!.calls, `every ${role} call reported its prefill`);
      assert.ok(p.prefill <= tokens[role]!.prompt);
    }
    // The coder's second round repeats its first request's prefix: the server found it cached.
    assert.ok(prefill.coder!.prefill < tokens.coder!.prompt);
  } finally {
    controller.abort();
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
