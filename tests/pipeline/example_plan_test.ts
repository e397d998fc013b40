import assert from "node:assert/strict";
import { join } from "node:path";
import { runPipeline } from "../../src/pipeline/run.ts";
import { harness } from "./harness.ts";
import { EXAMPLE_TASKS, scriptedSession } from "./scripted.ts";

const EXAMPLE = new URL("../../plans/example_plan.md", import.meta.url);

Deno.test("the example plan completes and its files are exactly what the scripted coder wrote", async () => {
  await using h = await harness(scriptedSession(EXAMPLE_TASKS));
  await h.addPlan("example_plan.md", await Deno.readTextFile(EXAMPLE));
  const result = await runPipeline(h.deps, { singleRun: true });
  assert.equal(result.interrupted, false);
  const tasks = h.store.listTasks();
  assert.deepEqual(tasks.map((t) => [t.title, t.status]), [
    ["Greeting library", "completed"],
    ["Greeting tests", "completed"],
  ]);
  assert.deepEqual(tasks[1]!.dependencies, [tasks[0]!.id]);
  const ws = join(h.dir, "example_plan");
  for (const t of EXAMPLE_TASKS) {
    assert.equal(await Deno.readTextFile(join(ws, t.file)), t.content);
  }
  assert.equal(h.store.getPlan(result.plans[0]!.id)!.status, "completed");
  const report = JSON.parse(await Deno.readTextFile(join(ws, "quality_report.json")));
  assert.equal(report.task_counts.completed, 2);
  // No shell in this harness: the coder is not offered shell_exec at all.
  const coderRequest = h.server.requests.find((r) =>
    r.path === "/v1/chat/completions" &&
    (r.body as { model?: string }).model === "qwen/qwen3-coder-30b"
  )!;
  const offered = (coderRequest.body as { tools: { function: { name: string } }[] }).tools
    .map((t) => t.function.name);
  assert.ok(offered.includes("file_write"));
  assert.ok(!offered.includes("shell_exec"));
  // The tests task sees the library it depends on before writing anything.
  const testsTurn = h.server.requests.find((r) =>
    r.path === "/v1/chat/completions" && JSON.stringify(r.body).includes("## Task: Greeting tests")
  )!;
  const messages = (testsTurn.body as { messages: { role: string; content: string }[] }).messages;
  assert.ok(
    messages[1]!.content.includes(
      '## Existing files for context\n### greeting/__init__.py\n```\n"""A tiny greeting library."""',
    ),
  );
  const loads = result.loadsPerPlan["example_plan.md"]!;
  assert.deepEqual(loads, { loads: 5, lowerBound: 5 });
});
