import assert from "node:assert/strict";
import { fakePipeline } from "../../testing/fake_pipeline.ts";
import { runPipeline } from "./run.ts";

const exists = async (path: string) => {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
};

Deno.test("runPipeline() runs a plan from the in-memory plans source; reports land in the memory workspace", async () => {
  await using f = await fakePipeline([
    { title: "Module a", file: "a.js", content: "export const a = 1;\n" },
  ]);
  await f.addPlan("one.md", "# One\n\n- a.js\n");
  const result = await runPipeline(f.deps, { singleRun: true });
  assert.deepEqual(f.store.listTasks().map((t) => t.status), ["completed"]);
  const workspace = result.plans[0]!.workspace!;
  assert.equal(await exists(f.config.paths.plans), false, "no plans folder on disk");
  assert.equal(await exists(workspace), false, "no workspace folder on disk");
  const report = await f.workspace("one").readText("LAO_QUALITY.md");
  assert.match(report, new RegExp(`^# Quality report: plan ${result.plans[0]!.id}\n`));
  assert.match(report, /\| 1 \| Module a \| - \| completed \|/);
  assert.ok(await f.workspace("one").isFile("quality_report.json"));
});
