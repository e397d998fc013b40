import assert from "node:assert/strict";
import { defaultConfig } from "../config/defaults.ts";
import type { Config } from "../config/schema.ts";
import type { LaoEvent } from "../events/types.ts";
import { GuardrailRefusalError } from "../llm/errors.ts";
import { type FakeFlavor, type FakeServerOptions, start } from "../../tests/fake_server/server.ts";
import { backendFor, detectServerKind } from "./detect.ts";
import { createModelManager, RESIDENT_TRUST_MS } from "./manager.ts";
import type { GateClock } from "./memory/gate.ts";
import type { MemoryProbe } from "./memory/probe.ts";

const GB = 1024 ** 3;
const PLANNER = "qwen_qwen3.5-35b-a3b";
const CODER = "qwen/qwen3-coder-30b";
const EMBEDDER = "text-embedding-nomic-embed-text-v1.5";

function configFor(url: string, kind: Config["server"]["kind"] = "auto"): Config {
  const config = defaultConfig("/tmp/lao-test");
  config.lm_studio_base_url = url;
  config.server.kind = kind;
  config.orchestration.model_load_poll_interval_s = 0.01;
  return config;
}

/** Fake RAM that the fake server's loads and unloads move. */
function fakeRam(totalBytes: number) {
  let used = 0;
  const probe: MemoryProbe = {
    read: () => Promise.resolve({ availableBytes: totalBytes - used, swapUsedBytes: 0 }),
  };
  return {
    probe,
    hook: { onLoad: (n: number) => void (used += n), onUnload: (n: number) => void (used -= n) },
  };
}

const instantClock: GateClock = { now: () => 0, sleep: () => Promise.resolve() };

async function setup(flavor: FakeFlavor, extra: FakeServerOptions = {}) {
  const ram = fakeRam(48 * GB);
  const fake = await start({ flavor, memory: ram.hook, ...extra });
  const events: LaoEvent[] = [];
  const config = configFor(fake.url);
  const backend = await backendFor(config);
  const manager = createModelManager(config, {
    backend,
    probe: ram.probe,
    clock: instantClock,
    emit: (e) => events.push(e),
  });
  return { fake, manager, events, backend };
}

for (const flavor of ["lmstudio", "ollama", "llamacpp"] as const) {
  Deno.test(`${flavor}: ensureLoaded loads, then swaps models between roles`, async () => {
    const { fake, manager, events, backend } = await setup(flavor);
    await using _ = fake;
    assert.equal(backend.kind, flavor);
    assert.equal(await manager.ensureLoaded("planner"), PLANNER);
    assert.deepEqual((await manager.loaded()).map((m) => m.key), [PLANNER]);
    assert.equal(await manager.ensureLoaded("pilot"), PLANNER, "same key: no reload");
    assert.equal(await manager.ensureLoaded("coder"), CODER);
    assert.deepEqual((await manager.loaded()).map((m) => m.key), [CODER]);
    const stats = manager.stats();
    assert.deepEqual([stats.loads, stats.unloads, stats.swaps], [2, 1, 1]);
    const gate = events.find((e) => e.type === "memory.gate");
    assert.deepEqual(gate && gate.type === "memory.gate" && gate.reason, "released");
    assert.ok(events.some((e) => e.type === "model.load" && e.swap && e.model === CODER));
  });
}

Deno.test("the embedder is never unloaded by a swap", async () => {
  const { fake, manager } = await setup("lmstudio", { loaded: [EMBEDDER, PLANNER] });
  await using _ = fake;
  await manager.ensureLoaded("coder");
  assert.deepEqual((await manager.loaded()).map((m) => m.key).sort(), [CODER, EMBEDDER].sort());
});

Deno.test("lmstudio: a model loaded with too small a context is reloaded with the role's", async () => {
  const { fake, manager } = await setup("lmstudio");
  await using _ = fake;
  fake.state.instances.push({ id: CODER, key: CODER, contextLength: 4096, loadedBy: "api" });
  await manager.ensureLoaded("coder");
  const loaded = await manager.loaded();
  assert.deepEqual(loaded.map((m) => [m.key, m.contextLength]), [[CODER, 16384]]);
  const load = fake.requests.find((r) => r.path === "/api/v1/models/load");
  assert.deepEqual(load?.body, { model: CODER, context_length: 16384 });
});

Deno.test("lmstudio: a guardrail refusal falls back to a JIT load", async () => {
  const { fake, manager } = await setup("lmstudio", { guardrail: "api" });
  await using _ = fake;
  assert.equal(await manager.ensureLoaded("coder"), CODER);
  const jit = fake.requests.find((r) => r.path === "/v1/chat/completions");
  assert.deepEqual((jit?.body as { max_tokens?: number }).max_tokens, 1);
  assert.equal(fake.state.instances[0]?.loadedBy, "jit");
});

Deno.test("lmstudio: a refusal of the JIT load too is a GuardrailRefusalError with a fix", async () => {
  const { fake, manager } = await setup("lmstudio", { guardrail: "all" });
  await using _ = fake;
  const err = await manager.ensureLoaded("coder").catch((e) => e);
  assert.ok(err instanceof GuardrailRefusalError, String(err));
  assert.equal(err.infrastructure, true);
  assert.match(err.message, /Model Loading Guardrails to Off or Relaxed/);
});

Deno.test("lmstudio 0.3.x: listing falls back to /api/v0/models and loading uses JIT", async () => {
  const { fake, manager } = await setup("lmstudio", { lmstudioApi: "v0" });
  await using _ = fake;
  assert.equal(await manager.ensureLoaded("coder"), CODER);
  assert.deepEqual((await manager.loaded()).map((m) => [m.key, m.contextLength]), [[
    CODER,
    262144,
  ]]);
});

Deno.test("health never loads a model and reports an unreachable server", async () => {
  const { fake, manager } = await setup("lmstudio");
  const health = await manager.health();
  assert.equal(health.reachable, true);
  assert.equal(fake.state.loads, 0);
  await fake.close();
  const down = await manager.health();
  assert.equal(down.reachable, false);
  await assert.rejects(detectServerKind({ root: fake.url, apiKey: "x" }), /Cannot reach/);
});

Deno.test("a generic OpenAI server has no load control: ensureLoaded returns the key", async () => {
  await using fake = await start({ flavor: "llamacpp" });
  const config = configFor(fake.url, "openai");
  const manager = createModelManager(config, { backend: await backendFor(config) });
  assert.equal(await manager.ensureLoaded("reviewer"), config.models.reviewer.key);
  assert.equal(fake.state.loads, 0);
  assert.ok((await manager.listModels()).some((m) => m.key === CODER));
});

Deno.test("ensureLoaded trusts what it loaded: no listing per call until another manager changes the server", async () => {
  const { fake, manager, backend } = await setup("lmstudio");
  await using _ = fake;
  let lists = 0;
  const list = backend.list.bind(backend);
  backend.list = () => {
    lists++;
    return list();
  };
  assert.equal(await manager.ensureLoaded("coder"), CODER);
  const afterLoad = lists;
  for (let i = 0; i < 5; i++) assert.equal(await manager.ensureLoaded("coder"), CODER);
  assert.equal(lists, afterLoad, "calls after its own load ask the server nothing");
  // Another manager (the Pilot's, the pipeline's) swaps the planner in: the next call looks again.
  const other = createModelManager(configFor(fake.url), {
    backend: await backendFor(configFor(fake.url)),
    clock: instantClock,
  });
  assert.equal(await other.ensureLoaded("planner"), PLANNER);
  assert.equal(await manager.ensureLoaded("coder"), CODER);
  assert.ok(lists > afterLoad, "a change by another manager is not trusted away");
  assert.deepEqual((await manager.loaded()).map((m) => m.key), [CODER]);
});

Deno.test("ensureLoaded asks the server again after a pause longer than it trusts what it saw", async () => {
  let now = 0;
  const clock: GateClock = { now: () => now, sleep: () => Promise.resolve() };
  const fake = await start({ flavor: "lmstudio" });
  await using _ = fake;
  const config = configFor(fake.url);
  const backend = await backendFor(config);
  const manager = createModelManager(config, { backend, clock });
  let lists = 0;
  const list = backend.list.bind(backend);
  backend.list = () => {
    lists++;
    return list();
  };
  assert.equal(await manager.ensureLoaded("coder"), CODER);
  const afterLoad = lists;
  now += RESIDENT_TRUST_MS / 2;
  await manager.ensureLoaded("coder");
  assert.equal(lists, afterLoad, "a call soon after is trusted");
  now += RESIDENT_TRUST_MS + 1;
  await manager.ensureLoaded("coder");
  assert.equal(lists, afterLoad + 1, "after a long pause the server is asked again");
});
