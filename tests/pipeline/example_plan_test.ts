/**
 * The example plan through the real pipeline ports against the fake server:
 * a clean run, and a run through an outage of a minute.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runPipeline } from "../../src/pipeline/run.ts";
import { harness } from "./harness.ts";
import { EXAMPLE_TASKS, KEYS, scriptedSession } from "./scripted.ts";

const EXAMPLE = new URL("../../plans/example_plan.md", import.meta.url);

async function subjects(workspace: string): Promise<string[]> {
  const out = await new Deno.Command("git", {
    args: ["-C", workspace, "log", "--format=%s"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim().split("\n");
}

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
  // The plan is reported completed once its history is written (queued commits landed).
  const order = h.events.flatMap((e) =>
    e.type === "git.commit"
      ? [e.subject.replace(/:.*/, "")]
      : e.type === "plan.status" && e.to === "completed"
      ? ["completed"]
      : []
  );
  assert.deepEqual(order, [
    "lao(plan)",
    "lao(architect)",
    "lao(coder)",
    "lao(reviewer)",
    "lao(coder)",
    "lao(reviewer)",
    "completed",
    "lao(report)",
  ]);
});

// History noise: a server outage of a minute (five pauses of 2, 4, 8, 16 and
// 32 s) leaves at most one lao(report) commit in the plan's workspace, the one
// written when the plan's report changed after the outage.
Deno.test("an outage of a minute leaves at most one lao(report) commit", async () => {
  await using h = await harness(scriptedSession(EXAMPLE_TASKS));
  h.server.setFaults({ kind: "http_503", model: KEYS.coder, sticky: true });
  // The pauses pass at once; the server comes back after the fifth (2+4+8+16+32 = 62 s).
  const pauses: number[] = [];
  h.deps.sleep = (ms) => {
    pauses.push(ms);
    if (pauses.length === 5) h.server.setFaults();
    return Promise.resolve();
  };
  await h.addPlan("example_plan.md", await Deno.readTextFile(EXAMPLE));
  const result = await runPipeline(h.deps, { singleRun: true });
  assert.equal(result.infraError, undefined);
  const outage = h.events.filter((e) => e.type === "run.state" && e.state === "paused");
  assert.equal(outage.length, 5);
  assert.ok(pauses.slice(0, 5).reduce((a, b) => a + b, 0) >= 60_000, `${pauses}`);
  assert.deepEqual(h.store.listTasks().map((t) => t.status), ["completed", "completed"]);
  const log = await subjects(join(h.dir, "example_plan"));
  const reports = log.filter((s) => s.startsWith("lao(report)"));
  assert.ok(reports.length <= 1, log.join("\n"));
  // The run's work is all there: the report commit is the last one, after the reviews.
  assert.equal(reports.length, 1, log.join("\n"));
  assert.match(log[0]!, /^lao\(report\)/);
});
