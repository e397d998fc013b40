import assert from "node:assert/strict";
import { ServerUnreachableError } from "../llm/errors.ts";
import type { ModelPort } from "../agents/model_port.ts";
import { codeTask } from "../phases/code.ts";
import { type FakePipeline, fakePipeline, type FakeTask } from "../../testing/fake_pipeline.ts";
import {
  canRunBeside,
  pickRole,
  processQueueParallel,
  type ServerLane,
} from "./parallel_scheduler.ts";
import { runPipeline } from "./run.ts";
import { newSchedulerState } from "./scheduler.ts";

const js = (name: string) => `export const ${name} = 1;\n`;
const four = (file: (i: number) => string): FakeTask[] =>
  [0, 1, 2, 3].map((i) => ({ title: `Task ${i}`, file: file(i), content: js(`v${i}`) }));
const PLAN = "# Four\n\n- four tasks\n";

/** The plan decomposed, nothing coded yet. */
async function decomposed(tasks: FakeTask[]): Promise<FakePipeline> {
  const f = await fakePipeline(tasks);
  await f.addPlan("four.md", PLAN);
  await runPipeline(f.deps, { singleRun: true, architectOnly: true });
  return f;
}

/** Most phases running at once, from the events. */
function peak(f: FakePipeline, phase: "coder" | "reviewer"): number {
  let now = 0;
  let most = 0;
  for (const e of f.events) {
    if (e.type === "phase.start" && e.phase === phase) most = Math.max(most, ++now);
    if (e.type === "phase.end" && e.phase === phase) now--;
  }
  return most;
}

const lane = (name: string, slots: number, ports: ServerLane["ports"]): ServerLane => ({
  name,
  slots,
  roles: null,
  ports,
});

Deno.test("pickRole stays on the loaded model while it has work, alternates when told", () => {
  const both = { coder: true, reviewer: true };
  assert.equal(pickRole(null, both, false), "coder");
  assert.equal(pickRole("coder", both, false), "coder");
  assert.equal(pickRole("coder", { coder: false, reviewer: true }, false), "reviewer");
  assert.equal(pickRole("coder", both, true), "reviewer");
  assert.equal(pickRole("reviewer", { coder: false, reviewer: false }, false), null);
});

Deno.test("two servers of two slots run four independent tasks at once; all complete", async () => {
  await using f = await decomposed(four((i) => `m${i}.js`));
  const lanes = [lane("a", 2, f.deps), lane("b", 2, f.deps)];
  const result = await processQueueParallel(f.deps, lanes, newSchedulerState());
  assert.equal(result.infraError, undefined);
  assert.deepEqual(f.store.listTasks().map((t) => [t.status, t.attempt]), [
    ["completed", 0],
    ["completed", 0],
    ["completed", 0],
    ["completed", 0],
  ]);
  assert.equal(peak(f, "coder"), 4);
  assert.equal(peak(f, "reviewer"), 4);
  for (let i = 0; i < 4; i++) {
    assert.equal(await f.workspace("four").readText(`m${i}.js`), js(`v${i}`));
  }
  assert.equal(f.commits.filter((c) => c.kind === "coder").length, 4);
});

Deno.test("tasks of one plan with the same target file never run at once", async () => {
  await using f = await decomposed(four(() => "shared.js"));
  await processQueueParallel(f.deps, [lane("a", 4, f.deps)], newSchedulerState());
  assert.ok(f.store.listTasks().every((t) => t.status === "completed"));
  assert.equal(peak(f, "coder"), 1);
  assert.equal(canRunBeside(f.store.listTasks()[0]!, [f.store.listTasks()[1]!]), false);
});

Deno.test("a server that fails hands its task back (no attempt used); the other finishes the plan", async () => {
  await using f = await decomposed(four((i) => `m${i}.js`));
  const broken: ModelPort = {
    ...f.deps.model,
    call: () => Promise.reject(new ServerUnreachableError("fake server b is down")),
    callStructured: () => Promise.reject(new ServerUnreachableError("fake server b is down")),
  };
  const lanes = [lane("a", 2, f.deps), lane("b", 2, { ...f.deps, model: broken })];
  const result = await processQueueParallel(f.deps, lanes, newSchedulerState());
  assert.equal(result.infraError, undefined, "server a carried on");
  assert.ok(
    f.events.some((e) => e.type === "log" && /on b slot/.test(e.message)),
    "server b was given tasks",
  );
  assert.deepEqual(f.store.listTasks().map((t) => [t.status, t.attempt]), [
    ["completed", 0],
    ["completed", 0],
    ["completed", 0],
    ["completed", 0],
  ]);
});

Deno.test("a task claimed by two workers at once is coded once", async () => {
  await using f = await decomposed(four((i) => `m${i}.js`));
  const [task] = f.store.runnable({ limit: 1 });
  const results = await Promise.all([codeTask(f.deps, task!), codeTask(f.deps, task!)]);
  assert.deepEqual(results.map((r) => r.kind).sort(), ["done", "skipped"]);
  assert.equal(f.commits.filter((c) => c.kind === "coder").length, 1);
});
