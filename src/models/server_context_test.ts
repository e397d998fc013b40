import assert from "node:assert/strict";
import { defaultConfig } from "../config/defaults.ts";
import { start } from "../../tests/fake_server/server.ts";
import { backendFor, detectServerKind } from "./detect.ts";
import { createModelManager } from "./manager.ts";
import { budgetConfig } from "./server_context.ts";

const CODER = "qwen/qwen3-coder-30b";

async function managerFor(url: string) {
  const config = defaultConfig("/tmp/lao-ctx-test");
  config.lm_studio_base_url = url;
  return { config, manager: createModelManager(config, { backend: await backendFor(config) }) };
}

Deno.test("LM Studio: a role's context is its model's maximum (LAO's load sets the loaded one)", async () => {
  await using fake = await start({ loaded: [CODER] });
  const { manager } = await managerFor(fake.url);
  assert.equal(await manager.contextLength("coder"), 262144);
  assert.equal(await manager.contextLength("reviewer"), 131072);
});

Deno.test("Ollama: the loaded context from /api/ps wins, else /api/show's model maximum", async () => {
  await using fake = await start({ flavor: "ollama" });
  const { config, manager } = await managerFor(fake.url);
  assert.equal(await manager.contextLength("reviewer"), 131072, "from /api/show");
  fake.state.instances.push({ id: CODER, key: CODER, contextLength: 4096, loadedBy: "jit" });
  assert.equal(await manager.contextLength("coder"), 4096, "from /api/ps");
  const budget = await budgetConfig(config, manager);
  assert.equal(budget.config.models.coder.context_length, 4096);
  assert.equal(budget.config.models.coder.max_completion, 2048, "half the context at most");
  assert.equal(config.models.coder.context_length, 16384, "the loaded config is not changed");
  assert.match(budget.warning!, /coder 16384 → 4096/);
});

Deno.test("vLLM is recognised by owned_by and its max_model_len is the context", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    if (new URL(req.url).pathname !== "/v1/models") return new Response("{}", { status: 404 });
    return Response.json({
      object: "list",
      data: [{ id: CODER, object: "model", owned_by: "vllm", max_model_len: 8192 }],
    });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    assert.equal(await detectServerKind({ root: url, apiKey: "k" }), "openai");
    const { manager } = await managerFor(url);
    assert.equal((await manager.health()).variant, "vLLM");
    assert.equal(await manager.contextLength("coder"), 8192);
  } finally {
    await server.shutdown();
  }
});
