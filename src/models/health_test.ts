import assert from "node:assert/strict";
import { defaultConfig } from "../config/defaults.ts";
import { start } from "../../tests/fake_server/server.ts";
import { backendOfKind } from "./detect.ts";
import { checkHealth, closestKey, formatHealth, healthVerdict } from "./health.ts";
import { createModelManager } from "./manager.ts";
import { fixedProbe } from "./memory/probe.ts";

async function report(url: string, mutate?: (c: ReturnType<typeof defaultConfig>) => void) {
  const config = defaultConfig("/tmp/lao");
  config.lm_studio_base_url = url;
  mutate?.(config);
  const backend = backendOfKind("lmstudio", { root: url, apiKey: "k" }, 1000);
  return await checkHealth(config, {
    manager: createModelManager(config, { backend }),
    probe: fixedProbe({ availableBytes: 8 * 1024 ** 3, swapUsedBytes: 0 }),
  });
}

Deno.test("a healthy server with every role's model is ok and JSON-serialisable", async () => {
  await using fake = await start({ loaded: ["qwen/qwen3-coder-30b"] });
  const health = await report(fake.url);
  assert.equal(health.ok, true);
  assert.equal(health.server.kind, "lmstudio");
  assert.deepEqual(health.loaded.map((m) => [m.key, m.contextLength]), [[
    "qwen/qwen3-coder-30b",
    32768,
  ]]);
  assert.deepEqual(JSON.parse(JSON.stringify(health)), health);
  assert.equal(healthVerdict(health), "Healthy");
  assert.doesNotMatch(formatHealth(health), /Healthy|Fix:/);
  assert.equal(fake.state.loads, 0, "health never loads a model");
});

Deno.test("a missing role key suggests the closest available key", async () => {
  await using fake = await start();
  const health = await report(fake.url, (c) => c.models.coder.key = "qwen/qwen3-coder-32b");
  assert.equal(health.ok, false);
  const coder = health.roles.find((r) => r.role === "coder");
  assert.deepEqual(coder, {
    role: "coder",
    key: "qwen/qwen3-coder-32b",
    present: false,
    required: true,
    suggestion: "qwen/qwen3-coder-30b",
  });
  assert.match(health.hints.join("\n"), /did you mean "qwen\/qwen3-coder-30b"/);
  assert.match(
    formatHealth(health),
    /qwen3-coder-32b {2}MISSING \(closest: qwen\/qwen3-coder-30b\)/,
  );
  assert.equal(healthVerdict(health), "Not healthy");
});

Deno.test("a missing embedder is reported but does not make the server unhealthy", async () => {
  await using fake = await start();
  const health = await report(fake.url, (c) => c.models.embedder.key = "no-such-embedder");
  assert.equal(health.ok, true);
  const embedder = health.roles.find((r) => r.role === "embedder")!;
  assert.deepEqual([embedder.present, embedder.required], [false, false]);
  assert.match(health.hints[0]!, /optional: file retrieval falls back to keyword \(BM25\) ranking/);
  assert.match(formatHealth(health), /no-such-embedder {2}missing \(optional\)/);
});

Deno.test("a stopped server gives ok=false and a one-line fix", async () => {
  const fake = await start();
  await fake.close();
  const health = await report(fake.url);
  assert.equal(health.ok, false);
  assert.deepEqual(health.hints, [
    `Cannot reach the model server at ${fake.url}: start LM Studio's server (lms server start) or set lm_studio_base_url`,
  ]);
});

Deno.test("closestKey() ignores keys that are nothing alike", () => {
  assert.equal(closestKey("llama-3", ["qwen/qwen3-coder-30b"]), undefined);
});
