import assert from "node:assert/strict";
import { runPipeline } from "../../src/pipeline/run.ts";
import type { ChatBody, Reply } from "../fake_server/server.ts";
import { harness } from "../pipeline/harness.ts";

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
  await using h = await harness(respond, (config) => {
    config.server.kind = "llamacpp";
    for (const role of ["planner", "coder", "reviewer", "pilot"] as const) {
      config.models[role].key = SERVED;
    }
    config.git.enabled = false;
  }, { server: { flavor: "llamacpp", llamacppMode: "single", loaded: [SERVED] } });
  const planPath = await h.addPlan("greet.md", "# Greet\n\n- greet.py: x = 1\n");
  await runPipeline(h.deps, { planPath, singleRun: true });
  const tokens = h.store.tokensByRole();
  const prefill = h.store.prefillByRole();
  assert.deepEqual(Object.keys(prefill).sort(), ["coder", "planner", "reviewer"]);
  for (const [role, p] of Object.entries(prefill)) {
    assert.equal(p.reported, tokens[role]!.calls, `every ${role} call reported its prefill`);
    assert.ok(p.prefill <= tokens[role]!.prompt);
  }
  // The coder's second round repeats its first request's prefix: the server found it cached.
  assert.ok(prefill.coder!.prefill < tokens.coder!.prompt);
});
