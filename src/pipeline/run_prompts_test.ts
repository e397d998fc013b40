/**
 * What the coder is sent, in-process on the fake pipeline: the step's tools,
 * a byte-stable prefix (system prompt and tool list) across every call of a
 * plan, an appended transcript within a task, and none of LAO's own files as
 * context. Plus the rule that offers `shell_exec`.
 */
import assert from "node:assert/strict";
import { needsShell } from "../agents/coder.ts";
import { fakePipeline, type FakeTask } from "../../testing/fake_pipeline.ts";
import { runPipeline } from "./run.ts";

const js = (name: string) => `export function ${name}Value() {\n  return "${name}";\n}\n`;
const NAMES = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
/** Ten tasks, each after the one before: every task sees the earlier files as context. */
const TEN: FakeTask[] = NAMES.map((x, i) => ({
  title: `Task ${x}`,
  file: `pkg/${x}.js`,
  content: js(x),
  ...(i ? { dependencies: [`Task ${NAMES[i - 1]}`] } : {}),
}));
const TEN_PLAN = `# Ten tasks\n\n${TEN.map((t) => `- ${t.title}: ${t.file}`).join("\n")}\n`;

Deno.test("coder prompts carry what the step needs and keep a byte-stable prefix the server can cache", async () => {
  await using f = await fakePipeline(TEN);
  // LAO's own files, as the plan snapshot and the reports leave them in a workspace.
  const ws = f.workspace("ten");
  for (const file of ["LAO_PLAN.md", "LAO_TASKS.json", "LAO_REVIEW.log", "LAO_QUALITY.md"]) {
    await ws.writeText(file, `${file} of LAO\n`);
  }
  await f.addPlan("ten.md", TEN_PLAN);
  await runPipeline(f.deps, { singleRun: true });
  assert.ok(f.store.listTasks().every((t) => t.status === "completed"));
  const coder = f.calls.filter((c) => c.role === "coder").map((c) => c.request);
  assert.ok(coder.length >= 20);
  // A small workspace: no search tools; no shell port here.
  const names = coder[0]!.tools!.map((t) => t.function.name);
  assert.deepEqual(names, ["file_read", "file_write", "file_patch", "list_dir"]);
  // System prompt and tool list identical in every call of every task of the plan.
  const prefix = (r: (typeof coder)[number]) => JSON.stringify([r.messages[0], r.tools]);
  assert.equal(new Set(coder.map(prefix)).size, 1);
  // Within a task the transcript is appended: each call starts with the previous call's messages.
  for (let i = 1; i < coder.length; i++) {
    const prev = coder[i - 1]!.messages;
    const cur = coder[i]!.messages;
    if (cur[1]!.content !== prev[1]!.content) continue; // the next task
    assert.deepEqual(cur.slice(0, prev.length), prev);
  }
  // Earlier tasks' files are context; LAO's own files never are.
  const last = String(coder.at(-2)!.messages[1]!.content);
  assert.match(last, /### pkg\/i\.js/);
  for (const r of coder) {
    const task = String(r.messages[1]!.content);
    for (const file of ["LAO_PLAN.md", "LAO_TASKS.json", "LAO_REVIEW.log", "LAO_QUALITY.md"]) {
      assert.ok(!task.includes(`### ${file}`), `${file} shown as context`);
    }
  }
});

Deno.test("shell_exec is offered only to tasks that ask to run something", () => {
  const task = (description: string, feedback: string | null = null) => ({
    title: "Parser",
    description,
    feedback,
  });
  assert.equal(needsShell(task("Implement parse() in src/parser.py.")), false);
  assert.equal(needsShell(task("Add unit tests for parse() and run them.")), true);
  assert.equal(needsShell(task("Implement parse().", "The tests fail: fix the edge case.")), true);
});
