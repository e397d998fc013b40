/**
 * Times a real model swap (planner -> coder) against the fake LM Studio over
 * HTTP, with the real Linux memory probe and real clock, and compares the
 * memory-gate time with the original tool's 60 s Linux wait (spec §5.3).
 *
 * Run: deno run -P=lao bench/models_bench.ts
 *
 * @module
 */
import { defaultConfig } from "../src/config/defaults.ts";
import { backendFor } from "../src/models/detect.ts";
import { createModelManager } from "../src/models/manager.ts";
import { systemMemoryProbe } from "../src/models/memory/probe.ts";
import { start } from "../tests/fake_server/server.ts";

const ORIGINAL_LINUX_GATE_S = 60;
const MB = 1024 ** 2;
const ROUNDS = 5;

const fake = await start({
  models: [
    { key: "planner-model", type: "llm", sizeBytes: 200 * MB, maxContextLength: 65536 },
    { key: "coder-model", type: "llm", sizeBytes: 150 * MB, maxContextLength: 65536 },
    { key: "embed-model", type: "embedding", sizeBytes: 80 * MB, maxContextLength: 2048 },
  ],
});
try {
  const config = defaultConfig("/tmp/lao-bench");
  config.lm_studio_base_url = fake.url;
  config.models.planner = { ...config.models.planner, key: "planner-model", size_bytes: 200 * MB };
  config.models.coder = { ...config.models.coder, key: "coder-model", size_bytes: 150 * MB };
  config.models.embedder = { ...config.models.embedder, key: "embed-model" };
  const gates: number[] = [];
  const manager = createModelManager(config, {
    backend: await backendFor(config),
    probe: systemMemoryProbe(),
    emit: (e) => e.type === "memory.gate" && gates.push(e.seconds),
  });
  const started = performance.now();
  for (let i = 0; i < ROUNDS; i++) {
    await manager.ensureLoaded("planner");
    await manager.ensureLoaded("coder");
  }
  const total = (performance.now() - started) / 1000;
  const stats = manager.stats();
  const gateMean = gates.reduce((a, b) => a + b, 0) / Math.max(1, gates.length);
  console.log(`swaps: ${stats.swaps}, loads: ${stats.loads}, unloads: ${stats.unloads}`);
  console.log(`wall time for ${stats.swaps} swaps: ${total.toFixed(3)} s`);
  console.log(`mean gate time: ${(gateMean * 1000).toFixed(2)} ms`);
  console.log(
    `gate time vs original's ${ORIGINAL_LINUX_GATE_S} s Linux wait: ${
      (gateMean / ORIGINAL_LINUX_GATE_S).toExponential(2)
    } (${(ORIGINAL_LINUX_GATE_S / Math.max(gateMean, 1e-6)).toFixed(0)}x faster)`,
  );
} finally {
  await fake.close();
}
