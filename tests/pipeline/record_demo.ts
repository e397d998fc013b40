/**
 * Re-records `plans/example_plan.cassette.jsonl`, the model session the demo
 * replays: the example plan run against the fake LM Studio server with the
 * scripted session. Run: `deno run -P=lao-test tests/pipeline/record_demo.ts`.
 *
 * @module
 */
import { join } from "node:path";
import { EventBus } from "../../src/events/bus.ts";
import { defaultConfig } from "../../src/config/defaults.ts";
import { buildPipelineDeps } from "../../src/pipeline/build_deps.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { Store } from "../../src/store/store.ts";
import { createTestingFs } from "../../src/tools/testing_fs.ts";
import { start } from "../fake_server/server.ts";
import { EXAMPLE_TASKS, scriptedSession } from "./scripted.ts";

const out = new URL("../../plans/example_plan.cassette.jsonl", import.meta.url).pathname;
const dir = await Deno.makeTempDir({ prefix: "lao_record_" });
await using server = await start({ respond: scriptedSession(EXAMPLE_TASKS) });
const config = defaultConfig(dir);
config.lm_studio_base_url = server.url;
config.orchestration.retry_cooldown_base_s = 0;
await Deno.mkdir(join(dir, "plans"), { recursive: true });
await Deno.copyFile(
  new URL("../../plans/example_plan.md", import.meta.url),
  join(dir, "plans", "example_plan.md"),
);
await Deno.writeTextFile(out, "");
const store = Store.open(join(dir, ".lao", "state.db"));
const deps = await buildPipelineDeps({
  config,
  configDir: dir,
  store,
  bus: new EventBus(),
  signal: new AbortController().signal,
  stopping: () => false,
  version: "record",
  record: out,
  workspaceFs: async (ws) => {
    await Deno.mkdir(ws, { recursive: true });
    return createTestingFs(await Deno.realPath(ws));
  },
});
const result = await runPipeline(deps, { singleRun: true });
store.close();
await Deno.remove(dir, { recursive: true });
console.log(`recorded ${out}: ${result.processed} phases`);
