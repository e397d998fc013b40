/**
 * Re-records `plans/example_plan.cassette.jsonl`, the model session the demo
 * replays: the example plan run against the fake LM Studio server with the
 * scripted session. Run: `deno run -P=lao-test tests/pipeline/record_demo.ts`.
 *
 * @module
 */
import { runPipeline } from "../../src/pipeline/run.ts";
import { harness } from "./harness.ts";
import { EXAMPLE_TASKS, scriptedSession } from "./scripted.ts";

const out = new URL("../../plans/example_plan.cassette.jsonl", import.meta.url).pathname;
await Deno.writeTextFile(out, "");
await using h = await harness(scriptedSession(EXAMPLE_TASKS), () => {}, { record: out });
await h.addPlan(
  "example_plan.md",
  await Deno.readTextFile(new URL("../../plans/example_plan.md", import.meta.url)),
);
const result = await runPipeline(h.deps, { singleRun: true });
console.log(`recorded ${out}: ${result.processed} phases`);
