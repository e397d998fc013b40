import assert from "node:assert/strict";
import { at, sampleRun } from "../../testing/ui_fixtures.ts";
import {
  countByStatus,
  initialState,
  reduce,
  seedFromQueue,
  taskLabel,
} from "./dashboard_state.ts";

const replay = (events = sampleRun(), state = initialState()) => events.reduce(reduce, state);

Deno.test("reduce() counts tasks by their latest status", () => {
  const counts = countByStatus(replay());
  assert.deepEqual(counts, {
    pending: 0,
    coding: 0,
    coded: 0,
    review: 0,
    completed: 1,
    failed: 1,
    cancelled: 0,
  });
});

Deno.test("reduce() tracks phase, plan filename and the loaded model", () => {
  const state = replay();
  assert.equal(state.phase, "coder");
  assert.equal(state.plan, "greeting.md");
  assert.deepEqual(state.model, { role: "coder", key: "qwen/qwen3-coder-30b" });
  assert.equal(state.loads, 2);
  assert.equal(state.swaps, 1);
  assert.equal(state.unloads, 1);
  assert.equal(state.memoryGateSeconds, 0.3);
});

Deno.test("reduce() sums tokens by role", () => {
  assert.deepEqual(replay().tokens, {
    planner: { prompt: 1000, completion: 200 },
    coder: { prompt: 3000, completion: 500 },
  });
});

Deno.test("reduce() learns the current task's title and attempt from phase.start", () => {
  const state = replay([
    at(1, {
      type: "phase.start",
      phase: "coder",
      planId: "p",
      taskId: 7,
      title: "Add parser",
      attempt: 2,
      maxAttempts: 3,
    }),
    at(2, { type: "task.transition", taskId: 7, planId: "p", from: "pending", to: "coding" }),
  ]);
  assert.deepEqual(state.task, { id: 7, title: "Add parser", attempt: 2, maxAttempts: 3 });
  assert.equal(taskLabel(state.task), "#7 Add parser (attempt 2/3)");
  assert.equal(state.phase, "coder");
});

Deno.test("reduce() takes title and attempt from a task.transition into review", () => {
  const state = replay([
    at(1, {
      type: "task.transition",
      taskId: 4,
      planId: "p",
      from: "coded",
      to: "review",
      title: "Write tests",
      attempt: 1,
    }),
  ]);
  assert.equal(taskLabel(state.task), "#4 Write tests (attempt 1)");
});

Deno.test("reduce() keeps only the newest activity lines and skips debug ones", () => {
  let state = initialState({ activityLimit: 3 });
  for (let i = 0; i < 5; i++) {
    state = reduce(state, at(i, { type: "sandbox.status", line: `step ${i}` }));
  }
  state = reduce(state, at(9, { type: "log", level: "debug", message: "noise" }));
  assert.deepEqual(state.activity.map((a) => a.text), [
    "sandbox: step 2",
    "sandbox: step 3",
    "sandbox: step 4",
  ]);
  assert.equal(state.activity[0]?.time, "12:03:02");
});

Deno.test("reduce() counts warnings and errors and remembers the last ones", () => {
  const state = replay();
  assert.equal(state.problems, 1);
  assert.deepEqual(state.lastProblems, ["task #2 pending → failed"]);
});

Deno.test("reduce() names a task by its known title in the activity list", () => {
  const state = replay([
    at(1, { type: "phase.start", phase: "coder", taskId: 7, title: "Add parser", attempt: 1 }),
    at(2, { type: "task.transition", taskId: 7, planId: "p", from: "coding", to: "coded" }),
  ]);
  assert.equal(state.activity.at(-1)?.text, "task #7 Add parser: coding → coded");
});

Deno.test("reduce() never mutates the previous state", () => {
  const before = initialState({ tasks: { 1: "pending" } });
  const snapshot = structuredClone(before);
  reduce(
    before,
    at(1, { type: "task.transition", taskId: 1, planId: "p", from: "pending", to: "coding" }),
  );
  assert.deepEqual(before, snapshot);
});

Deno.test("initialState() counts seeded tasks from the store", () => {
  const state = initialState({ tasks: { 1: "completed", 2: "pending", 3: "pending" } });
  assert.equal(countByStatus(state).pending, 2);
  assert.equal(countByStatus(state).completed, 1);
});

Deno.test("seedFromQueue() shows the whole queue's totals and plan names from the first frame", () => {
  const seeded = seedFromQueue({
    plans: [{ id: "a1b2c3d4e5f60718", filename: "ten.md" }],
    tasks: Array.from({ length: 10 }, (_, i) => ({
      id: i + 1,
      status: i < 4 ? "completed" as const : "pending" as const,
      title: `task ${i + 1}`,
    })),
  });
  const counts = countByStatus(seeded);
  assert.equal(counts.completed, 4);
  assert.equal(counts.pending, 6);
  // A resumed plan that goes active is named by its file, not its id.
  const state = replay([
    at(1, {
      type: "plan.status",
      planId: "a1b2c3d4e5f60718",
      from: "decomposing",
      to: "active",
    }),
    at(2, {
      type: "task.transition",
      taskId: 5,
      planId: "a1b2c3d4e5f60718",
      from: "pending",
      to: "coding",
    }),
  ], seeded);
  assert.equal(state.plan, "ten.md");
  assert.equal(countByStatus(state).pending, 5);
  assert.equal(state.task?.title, "task 5");
});

Deno.test("reduce() keeps idle, paused, cooldown and stopping apart from work", () => {
  const paused = replay([
    at(1, {
      type: "run.state",
      state: "paused",
      until: "2026-01-01T00:01:00.000Z",
      reason: "model server unavailable",
    }),
  ]);
  assert.deepEqual(paused.run, {
    state: "paused",
    until: "2026-01-01T00:01:00.000Z",
    reason: "model server unavailable",
  });
  assert.equal(paused.task, null);
  const working = replay([at(2, { type: "phase.start", phase: "coder", taskId: 3 })], paused);
  assert.equal(working.run?.state, "working");
  const stopping = replay([at(3, { type: "run.state", state: "stopping" })], working);
  assert.equal(stopping.run?.state, "stopping");
});

Deno.test("seedFromQueue() names the one open plan before its first step, not a finished one", () => {
  const plans = [
    { id: "a1b2c3d4e5f60718", filename: "old.md", status: "completed" },
    { id: "b1b2c3d4e5f60718", filename: "ten.md", status: "active" },
  ];
  assert.equal(seedFromQueue({ plans, tasks: [] }).plan, "ten.md");
  // Two open plans: which one runs first is the scheduler's choice, so none is named yet.
  const two = [...plans, { id: "c1b2c3d4e5f60718", filename: "more.md", status: "active" }];
  assert.equal(seedFromQueue({ plans: two, tasks: [] }).plan, null);
});

Deno.test("reduce() holds every task running on a slot, with its server and slot", async () => {
  const { activeLabel } = await import("./dashboard_state.ts");
  const start = (taskId: number, server: string, slot: number) =>
    at(taskId, {
      type: "phase.start",
      phase: "coder",
      planId: "p",
      taskId,
      title: `T${taskId}`,
      server,
      slot,
    });
  let state = [start(1, "a", 1), start(2, "a", 2), start(3, "b", 1)].reduce(reduce, initialState());
  assert.deepEqual(state.active.map(activeLabel), [
    "#1 T1 · coder on a slot 1",
    "#2 T2 · coder on a slot 2",
    "#3 T3 · coder on b slot 1",
  ]);
  state = reduce(
    state,
    at(5, { type: "phase.end", phase: "coder", planId: "p", taskId: 2, ok: true }),
  );
  assert.deepEqual(state.active.map((t) => t.id), [1, 3]);
  state = reduce(state, at(6, { type: "run.state", state: "idle" }));
  assert.deepEqual(state.active, []);
});

Deno.test("reduce() keeps no slot list for a run without slots", () => {
  assert.deepEqual(replay().active, []);
});
