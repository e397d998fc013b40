import assert from "node:assert/strict";
import { ServerUnreachableError } from "../llm/errors.ts";
import type { ModelPort } from "../agents/model_port.ts";
import type { RoleName } from "../config/schema.ts";
import type { ChatResult } from "../llm/types.ts";
import { codeTask } from "../phases/code.ts";
import {
  type FakeCall,
  type FakePipeline,
  fakePipeline,
  type FakeTask,
  result,
} from "../../testing/fake_pipeline.ts";
import { dependencyDepth, loadLowerBound } from "./model_loads.ts";
import {
  canRunBeside,
  pickRole,
  processQueueParallel,
  type ServerLane,
} from "./parallel_scheduler.ts";
import { type RequestGate, requestGate } from "./request_gate.ts";
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

Deno.test("a server of two slots runs three tasks at once, never more than two of their requests in flight", async () => {
  // The coder requests that reach the model are held until a third one waits at the gate (or,
  // with no gate, until three are in).
  let inFlight = 0;
  let most = 0;
  let release!: () => void;
  const third = new Promise<void>((r) => release = r);
  const real = requestGate(2);
  const gate: RequestGate = {
    run(fn) {
      const ran = real.run(fn);
      if (real.waiting > 0) release();
      return ran;
    },
    get running() {
      return real.running;
    },
    get waiting() {
      return real.waiting;
    },
  };
  await using f = await fakePipeline(four((i) => `m${i}.js`), {
    hooks: {
      beforeChat: async (call) => {
        if (call.role !== "coder") return;
        most = Math.max(most, ++inFlight);
        if (inFlight > 2) release();
        await third;
        inFlight--;
      },
    },
  });
  await f.addPlan("four.md", PLAN);
  await runPipeline(f.deps, { singleRun: true, architectOnly: true });
  const result = await processQueueParallel(
    f.deps,
    [{ ...lane("a", 2, f.deps), gate }],
    newSchedulerState(),
  );
  assert.equal(result.infraError, undefined);
  assert.ok(f.store.listTasks().every((t) => t.status === "completed"));
  assert.equal(peak(f, "coder"), 3, "three coders at once on two slots");
  assert.equal(most, 2, "at most two requests in flight");
  // The third task has no slot of its own: its start says it takes the next one freed.
  const starts = f.events.filter((e) => e.type === "phase.start" && e.phase === "coder");
  assert.deepEqual(
    [...new Set(starts.map((e) => e.type === "phase.start" ? e.slot ?? "next" : ""))].sort(),
    [1, 2, "next"],
  );
  assert.ok(f.events.some((e) => e.type === "log" && /on a, next for a slot/.test(e.message)));
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

/** Scripted tasks split over two plans: the architect gives each plan its own (by plan title). */
async function twoPlans(
  one: FakeTask[],
  two: FakeTask[],
  reply?: (call: FakeCall) => ChatResult | undefined,
): Promise<FakePipeline> {
  const decomposition = (tasks: FakeTask[]) =>
    result(JSON.stringify(tasks.map((t) => ({
      title: t.title,
      description: `Implement ${t.file}: ${t.title}.`,
      file_paths: [t.file],
      dependencies: t.dependencies ?? [],
    }))));
  const f = await fakePipeline([...one, ...two], {
    hooks: {
      reply: (call) => {
        if (call.role !== "planner") return reply?.(call);
        return decomposition(JSON.stringify(call.request.messages).includes("# Two") ? two : one);
      },
    },
  });
  await f.addPlan("a_one.md", "# One\n\n- the first plan\n");
  await f.addPlan("b_two.md", "# Two\n\n- the second plan\n");
  await runPipeline(f.deps, { singleRun: true, architectOnly: true });
  return f;
}

/** A lane whose model port records the role of each call: its loads are the role changes. */
function countingLane(name: string, slots: number, ports: ServerLane["ports"]) {
  const roles: RoleName[] = [];
  const model: ModelPort = {
    ...ports.model,
    call: (role, req, meta) => (roles.push(role), ports.model.call(role, req, meta)),
    callStructured: (role, req, format, meta) => (
      roles.push(role), ports.model.callStructured(role, req, format, meta)
    ),
  };
  const loads = () => roles.filter((r, i) => r !== roles[i - 1]).length;
  return { lane: lane(name, slots, { ...ports, model }), loads };
}

/** True when a phase started while a phase of the other role ran on another server. */
function rolesAtOnce(f: FakePipeline): boolean {
  const active = new Map<number, { phase: string; server?: string }>();
  for (const e of f.events) {
    if (e.type === "phase.end" && e.taskId !== undefined) active.delete(e.taskId);
    if (e.type !== "phase.start" || e.taskId === undefined) continue;
    const mixed = [...active.values()].some((a) => a.server !== e.server && a.phase !== e.phase);
    if (mixed && (e.phase === "coder" || e.phase === "reviewer")) return true;
    active.set(e.taskId, { phase: e.phase, ...(e.server ? { server: e.server } : {}) });
  }
  return false;
}

/** Answers: the coder of `title` writes its file ten times over before it is done (a long phase). */
function longCoder(title: string, file: string): (call: FakeCall) => ChatResult | undefined {
  let writes = 0;
  return (call) => {
    if (call.role !== "coder" || call.task !== title || writes >= 10) return undefined;
    const args = JSON.stringify({ path: file, content: js(file.replace(".js", "")) });
    return result("", [{ id: `${title}_${++writes}`, name: "file_write", arguments: args }]);
  };
}

const bound = (f: FakePipeline) =>
  loadLowerBound(dependencyDepth(f.store.listTasks()), {
    planner: f.config.models.planner.key,
    coder: f.config.models.coder.key,
    reviewer: f.config.models.reviewer.key,
  });

Deno.test("two servers: one reviews a coded task while the other still codes; loads per server within the bound", async () => {
  const one = [
    { title: "X1", file: "x1.js", content: js("x1") },
    { title: "Y1", file: "y1.js", content: js("y1"), dependencies: ["X1"] },
  ];
  const two = [{ title: "Z2", file: "z2.js", content: js("z2") }];
  await using f = await twoPlans(one, two, longCoder("Z2", "z2.js"));
  const a = countingLane("a", 1, f.deps);
  const b = countingLane("b", 1, f.deps);
  const queued = await processQueueParallel(f.deps, [a.lane, b.lane], newSchedulerState());
  assert.equal(queued.infraError, undefined);
  const tasks = f.store.listTasks().sort((x, y) => x.title.localeCompare(y.title));
  assert.deepEqual(tasks.map((t) => [t.title, t.status, t.attempt]), [
    ["X1", "completed", 0],
    ["Y1", "completed", 0],
    ["Z2", "completed", 0],
  ]);
  assert.ok(rolesAtOnce(f), "a review ran on one server while the other coded");
  const x1 = tasks[0]!.id;
  const z2 = tasks[2]!.id;
  // X1's review started before Z2's coder phase ended.
  const at = (p: (e: (typeof f.events)[number]) => boolean) => f.events.findIndex(p);
  const x1Review = at((e) => e.type === "phase.start" && e.phase === "reviewer" && e.taskId === x1);
  const z2Coded = at((e) => e.type === "phase.end" && e.phase === "coder" && e.taskId === z2);
  assert.ok(x1Review >= 0 && x1Review < z2Coded, `${x1Review} < ${z2Coded}`);
  assert.equal(await f.workspace("b_two").readText("z2.js"), js("z2"));
  for (const l of [a, b]) assert.ok(l.loads() <= bound(f), `${l.loads()} > ${bound(f)}`);
});

Deno.test("two servers of two slots, two layered plans with a rework: all complete, loads per server within the bound", async () => {
  const layered = (plan: string): FakeTask[] =>
    [0, 1, 2].flatMap((l) =>
      [0, 1].map((i) => ({
        title: `${plan} l${l}_${i}`,
        file: `${plan}_l${l}_${i}.js`,
        content: js(`${plan}_l${l}_${i}`),
        ...(l > 0 ? { dependencies: [`${plan} l${l - 1}_${i}`] } : {}),
        ...(plan === "P" && l === 1 && i === 0 ? { rejectTimes: 1 } : {}),
      }))
    );
  await using f = await twoPlans(layered("P"), layered("Q"));
  const a = countingLane("a", 2, f.deps);
  const b = countingLane("b", 2, f.deps);
  const queued = await processQueueParallel(f.deps, [a.lane, b.lane], newSchedulerState());
  assert.equal(queued.infraError, undefined);
  const tasks = f.store.listTasks();
  assert.equal(tasks.length, 12);
  assert.ok(
    tasks.every((t) => t.status === "completed"),
    JSON.stringify(tasks.map((t) => t.status)),
  );
  assert.equal(tasks.find((t) => t.title === "P l1_0")?.attempt, 1);
  assert.equal(await f.workspace("a_one").readText("P_l2_1.js"), js("P_l2_1"));
  assert.equal(await f.workspace("b_two").readText("Q_l2_0.js"), js("Q_l2_0"));
  assert.equal(f.commits.filter((c) => c.kind === "coder").length, 13);
  for (const l of [a, b]) assert.ok(l.loads() <= bound(f), `${l.loads()} > ${bound(f)}`);
});

Deno.test("two servers, one plan in a shared workspace: no review runs beside a coder of its plan", async () => {
  const tasks = [
    { title: "X1", file: "x1.js", content: js("x1") },
    { title: "Y1", file: "y1.js", content: js("y1"), dependencies: ["X1"] },
    { title: "Z1", file: "z1.js", content: js("z1") },
  ];
  await using f = await twoPlans(tasks, [], longCoder("Z1", "z1.js"));
  const lanes = [lane("a", 1, f.deps), lane("b", 1, f.deps)];
  const queued = await processQueueParallel(f.deps, lanes, newSchedulerState());
  assert.equal(queued.infraError, undefined);
  assert.ok(f.store.listTasks().every((t) => t.status === "completed"));
  assert.equal(rolesAtOnce(f), false);
});
