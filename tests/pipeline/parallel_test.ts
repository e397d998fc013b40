/**
 * Issue 16 end to end, real ports (HTTP model managers, the workspace guard,
 * git):
 *
 * - The ten-task plan: one server with one slot runs exactly as before slots
 *   existed (no lanes, the sequential scheduler, no worktree per task, no
 *   server or slot on any event); two servers of two slots with tasks side
 *   by side end with the same coder commits and files as that one-slot run;
 *   a server killed mid-run hands its tasks to the other with no attempt
 *   used (one run on two servers, checked by both cases).
 * - Isolation: tasks of one plan running at once each work apart. With git,
 *   in their own worktrees, approvals cherry-picked onto the plan's branch;
 *   without git, in their own copies of the plan workspace (the second
 *   task's read of the first's half-done file sees the base content;
 *   approvals copy the task's files back; no copy is left). Either way, two
 *   tasks that change the same lines end with one reworked on top of the
 *   other's approved change (no attempt used), never with lost work.
 * - Crash recovery with tasks in flight (`parallel_recovery.ts`): a run
 *   stopped with 4 coders or 4 reviews in flight, or in the middle of an
 *   approved task's cherry-pick, then a fresh run on the same store and
 *   project. The real-process SIGKILL journey is `parallel_crash_test.ts`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { LaoEvent } from "../../src/events/types.ts";
import { buildLanes } from "../../src/pipeline/server_lanes.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import type { Task } from "../../src/store/store.ts";
import { type FakeServer, start } from "../fake_server/server.ts";
import type { ChatBody, Reply } from "../fake_server/types.ts";
import { type Harness, harness } from "./harness.ts";
import {
  laneServer,
  lastTool,
  peakCoders,
  said,
  sideBySide,
  subjects,
  taskOf,
  turns,
} from "./parallel_fixtures.ts";
import { crashAndRestart, stopWithFourInFlight } from "./parallel_recovery.ts";
import { KEYS, scriptedSession, type ScriptedTask, TEN_PLAN, TEN_TASKS } from "./scripted.ts";

/** What a finished ten-task run left: its sorted coder commit subjects and the tasks' files. */
interface Outcome {
  coder: string[];
  files: string[];
}

/** The coder commits and files of `h`'s completed plan at `workspace`. */
async function outcome(h: Harness, workspace: string): Promise<Outcome> {
  const log = await subjects(h.dir, workspace);
  const coder = log.filter((s) => s.startsWith("lao(coder):")).sort();
  const files = await Promise.all(TEN_TASKS.map((t) => Deno.readTextFile(join(workspace, t.file))));
  return { coder, files };
}

/** The one-slot run, checked by its own case and compared with by the others. */
let sequential:
  | Promise<{ events: LaoEvent[]; slotUsage: unknown; worktrees: boolean } & Outcome>
  | undefined;
const oneSlot = () =>
  sequential ??= (async () => {
    await using h = await harness(scriptedSession(TEN_TASKS));
    const explicit = { ...h.config, servers: [laneServer("only", h.server.url, 1)] };
    assert.equal(await buildLanes(h.deps, h.config), null, "no lanes: the sequential scheduler");
    assert.equal(await buildLanes(h.deps, explicit), null, "a one-entry servers: neither");
    await h.addPlan("ten.md", TEN_PLAN);
    const result = await runPipeline(h.deps, { singleRun: true });
    assert.equal(result.plans[0]!.status, "completed");
    const worktrees = await Deno.stat(join(h.dir, ".lao", "worktrees")).then(
      () => true,
      () => false,
    );
    return {
      events: [...h.events],
      slotUsage: result.slotUsage,
      worktrees,
      ...await outcome(h, result.plans[0]!.workspace!),
    };
  })();

Deno.test("one server with one slot: the sequential run, no server or slot, no task worktree", async () => {
  const run = await oneSlot();
  assert.equal(run.slotUsage, undefined);
  const starts = run.events.filter((e) => e.type === "phase.start");
  assert.ok(starts.every((e) => !("server" in e) && !("slot" in e)));
  assert.equal(run.worktrees, false, "no task worktree");
  assert.equal(run.coder.length, TEN_TASKS.length);
  // One task at a time: every start is followed by its own end before the next start.
  const phases = run.events.flatMap((e) =>
    e.type === "phase.start" || e.type === "phase.end" ? [`${e.type} #${e.taskId ?? "-"}`] : []
  );
  for (let i = 0; i < phases.length; i += 2) {
    assert.equal(phases[i]!.split(" ")[1], phases[i + 1]!.split(" ")[1], phases.join("\n"));
    assert.equal(phases[i + 1]!.split(" ")[0], "phase.end", phases.join("\n"));
  }
});

/** What the two-server run's cases look at, taken before its harness goes. */
interface TwoServers extends Outcome {
  status: string;
  infraError: string | undefined;
  tasks: Task[];
  events: LaoEvent[];
  /** Two coder requests were held at once. */
  together: boolean;
  /** Answers server b gave or was asked for before it died. */
  chats: number;
  bChats: number;
}

/**
 * One run on two servers of two slots (made once, checked by the two cases
 * below): coder requests are held until two are in flight at once, and
 * server b dies after its first answer.
 */
let twoServersRun: Promise<TwoServers> | undefined;
const twoServers = () =>
  twoServersRun ??= (async () => {
    const session = scriptedSession(TEN_TASKS);
    const barrier = sideBySide();
    // The servers exist only once started; each one's hold looks at its own requests.
    const fakes: { a?: FakeServer; b?: FakeServer } = {};
    let chats = 0;
    await using h = await harness(session, () => {}, {
      server: { generation: barrier.generation(() => fakes.a) },
    });
    fakes.a = h.server;
    await using second = fakes.b = await start({
      respond: (body, ctx) => {
        // Server b dies after its first answer.
        if (++chats === 1) queueMicrotask(() => void second.close());
        return session(body, ctx);
      },
      generation: barrier.generation(() => fakes.b),
    });
    const config = {
      ...h.config,
      servers: [laneServer("a", h.server.url), laneServer("b", second.url)],
    };
    const lanes = await buildLanes(h.deps, config);
    assert.ok(lanes && lanes.length === 2);
    await h.addPlan("ten.md", TEN_PLAN);
    const result = await runPipeline({ ...h.deps, lanes }, { singleRun: true });
    barrier.close();
    return {
      status: result.plans[0]!.status,
      infraError: result.infraError,
      tasks: h.store.listTasks(),
      events: [...h.events],
      together: barrier.together(),
      chats,
      bChats: second.requests.filter((r) => r.path === "/v1/chat/completions").length,
      ...await outcome(h, result.plans[0]!.workspace!),
    };
  })();

Deno.test("two servers of two slots complete the ten-task plan with tasks side by side", async () => {
  const run = await twoServers();
  assert.equal(run.status, "completed");
  assert.ok(
    run.tasks.every((t) => t.status === "completed"),
    JSON.stringify(run.tasks.map((t) => t.status)),
  );
  assert.ok(run.together, "two coder requests were in flight at once");
  assert.ok(peakCoders(run.events) > 1, "independent tasks were coded at once");
  assert.ok(run.bChats > 0, "server b worked");
  const one = await oneSlot();
  assert.deepEqual(run.coder, one.coder);
  assert.deepEqual(run.files, one.files);
});

Deno.test("a server killed mid-run: its tasks move to the other server, no attempts used", async () => {
  const run = await twoServers();
  assert.equal(run.infraError, undefined);
  assert.ok(run.tasks.every((t) => t.status === "completed"));
  // Task j is rejected once by design; no other task used an attempt.
  assert.deepEqual(
    run.tasks.filter((t) => t.attempt > 0).map((t) => t.title),
    ["Task j"],
  );
  assert.ok(run.chats >= 1, "server b answered before it died");
  // Server b's task was handed back (no attempt) and finished on server a.
  const handed = run.events.filter((e) =>
    e.type === "task.transition" && (e.reason ?? "").startsWith("paused")
  );
  assert.ok(handed.length >= 1, "a task was handed back");
  for (const e of handed) {
    const id = "taskId" in e ? e.taskId : -1;
    const last = run.events.filter((x) => x.type === "phase.start" && x.taskId === id).at(-1);
    assert.equal(last && "server" in last && last.server, "a", `task #${id} finished on a`);
  }
});

/** Two tasks writing the same new file, each its own line. */
const TWO: ScriptedTask[] = [
  { title: "Task x", file: "shared.py", content: "x = 1\n" },
  { title: "Task y", file: "shared.py", content: "y = 2\n" },
];
const PLAN = "# Two\n\n- Task x: shared.py\n- Task y: shared.py\n";

Deno.test("two tasks editing the same lines at once: one reworked on top of the other, nothing lost", async () => {
  const session = scriptedSession(TWO);
  await using h = await harness((body, ctx) => {
    const text = said(body);
    const mine = TWO.find((t) => text.includes(`## Task: ${t.title}\n`));
    // A coder told of the conflict writes its line on top of the other task's.
    if (body.model === "qwen/qwen3-coder-30b" && mine && text.includes("Merge conflict")) {
      const last = body.messages?.[body.messages.length - 1];
      if (last?.role === "tool") return { content: "Merged." };
      return {
        toolCalls: [{
          name: "file_write",
          arguments: { path: "shared.py", content: "x = 1\ny = 2\n" },
        }],
      };
    }
    return session(body, ctx);
  });
  const config = { ...h.config, servers: [laneServer("a", h.server.url)] };
  // Each approved task's worktree goes, and with it what was held for it (its file Worker).
  const released: string[] = [];
  const deps = {
    ...h.deps,
    releaseWorkspace: (ws: string) => {
      released.push(ws);
      h.deps.releaseWorkspace?.(ws);
    },
  };
  const lanes = await buildLanes(deps, config);
  assert.ok(lanes && lanes[0]!.isolation, "tasks are isolated");
  await h.addPlan("two.md", PLAN);
  const result = await runPipeline({ ...deps, lanes }, { singleRun: true });
  const plan = result.plans[0]!;
  assert.equal(plan.status, "completed");
  const tasks = h.store.listTasks();
  assert.deepEqual(tasks.map((t) => [t.status, t.attempt]), [["completed", 0], ["completed", 0]]);
  // Both coded at once (each in its own worktree), then one of them again.
  // Both coded before either was reviewed, each in its own worktree from the same base (hence
  // the conflict: neither saw the other's file), then one of them again on top of the other.
  const phases = h.events.filter((e) => e.type === "phase.start" && e.phase !== "architect");
  assert.deepEqual(phases.slice(0, 2).map((e) => "phase" in e && e.phase), ["coder", "coder"]);
  const coders = phases.filter((e) => e.type === "phase.start" && e.phase === "coder");
  assert.equal(coders.length, 3, "one task coded again");
  const conflicts = h.events.filter((e) =>
    e.type === "task.transition" && (e.reason ?? "").startsWith("merge conflict in shared.py")
  );
  assert.equal(conflicts.length, 1, "exactly one task was sent back with the conflict");
  assert.equal(await Deno.readTextFile(join(plan.workspace!, "shared.py")), "x = 1\ny = 2\n");
  const log = await subjects(h.dir, plan.workspace!);
  assert.ok(log.some((s) => s.includes("task #1 Task x")), log.join("\n"));
  assert.ok(log.some((s) => s.includes("task #2 Task y")), log.join("\n"));
  // Approved tasks' worktrees are gone; the plan workspace is clean.
  const left = [...Deno.readDirSync(join(h.dir, ".lao", "worktrees"))].map((e) => e.name);
  assert.deepEqual(left, []);
  assert.equal(released.length, 2, released.join("\n"));
  assert.ok(
    released.every((ws) => ws.startsWith(join(h.dir, ".lao", "worktrees"))),
    released.join(),
  );
});

/** Runs `plan` with 2 slots and git off; `coder` answers the coder's requests. */
async function runTwoSlots(
  h: Harness,
  name: string,
  plan: string,
): Promise<{ workspace: string }> {
  const config = { ...h.config, servers: [laneServer("a", h.server.url)] };
  const lanes = await buildLanes(h.deps, config);
  assert.ok(lanes && lanes[0]!.isolation && !lanes[0]!.isolation.overlapping, "task copies");
  await h.addPlan(name, plan);
  const result = await runPipeline({ ...h.deps, lanes }, { singleRun: true });
  assert.equal(result.plans[0]!.status, "completed");
  const left = await Array.fromAsync(Deno.readDir(join(h.dir, ".lao", "task-copies")))
    .catch(() => []);
  assert.deepEqual(left.map((e) => e.name), [], "no task copy is left");
  return { workspace: result.plans[0]!.workspace! };
}

const AB: ScriptedTask[] = [
  { title: "Task a", file: "a.py", content: "A = 1\n" },
  { title: "Task b", file: "b.py", content: "B = 2\n" },
];

Deno.test("no git, two tasks at once: the second reads the first's target file as it was; both land", async () => {
  const ref: { h?: Harness } = {};
  let readByB: string | undefined;
  const held: { aDone?: () => void; bRead?: () => void; aWrote: boolean; bRead2: boolean } = {
    aWrote: false,
    bRead2: false,
  };
  // Ordering without timers: b's first answer (read a.py) waits until a has written a.py in
  // its copy (a's second request), and a's second answer waits until b has read it.
  const sleep = (): Promise<void> => {
    const body = ref.h?.server.requests.at(-1)?.body as ChatBody | undefined;
    const task = body && body.model === KEYS.coder ? taskOf(body, AB) : undefined;
    if (!body || !task) return Promise.resolve();
    if (task.title === "Task a" && turns(body) === 1) {
      held.aWrote = true;
      held.bRead?.();
      return held.bRead2 ? Promise.resolve() : new Promise((go) => held.aDone = go);
    }
    if (task.title === "Task b" && turns(body) === 0 && !held.aWrote) {
      return new Promise((go) => held.bRead = go);
    }
    if (task.title === "Task b" && turns(body) === 1) {
      held.bRead2 = true;
      held.aDone?.();
    }
    return Promise.resolve();
  };
  const session = scriptedSession(AB);
  const respond = (body: ChatBody, ctx: Parameters<typeof session>[1]): Reply => {
    const task = body.model === KEYS.coder ? taskOf(body, AB) : undefined;
    if (task?.title === "Task b") {
      if (turns(body) === 0) {
        return { toolCalls: [{ name: "file_read", arguments: { path: "a.py" } }] };
      }
      if (turns(body) === 1) {
        readByB = lastTool(body);
        return {
          toolCalls: [{ name: "file_write", arguments: { path: "b.py", content: "B = 2\n" } }],
        };
      }
      return { content: "Wrote b.py." };
    }
    return session(body, ctx);
  };
  await using h = ref.h = await harness(respond, (c) => c.git.enabled = false, {
    server: { generation: { slots: 2, tokensPerSecond: 1000, completionTokens: 1, sleep } },
  });
  // The plan workspace holds a base version of a.py before the run.
  await Deno.mkdir(join(h.dir, "ab"), { recursive: true });
  await Deno.writeTextFile(join(h.dir, "ab", "a.py"), "A = 0\n");
  const { workspace } = await runTwoSlots(h, "ab.md", "# AB\n\n- Task a: a.py\n- Task b: b.py\n");
  assert.equal(h.server.gates.get(KEYS.coder)?.peak, 2, "both coders were in flight at once");
  assert.ok(held.aWrote && held.bRead2, "b read a.py while a's write was not yet approved");
  assert.match(readByB ?? "", /A = 0/, `b saw a's base content: ${readByB}`);
  assert.doesNotMatch(readByB ?? "", /A = 1/);
  assert.equal(await Deno.readTextFile(join(workspace, "a.py")), "A = 1\n");
  assert.equal(await Deno.readTextFile(join(workspace, "b.py")), "B = 2\n");
  assert.deepEqual(h.store.listTasks().map((t) => [t.status, t.attempt]), [
    ["completed", 0],
    ["completed", 0],
  ]);
});

/** Two tasks with their own target files that both also write `shared.py`. */
const XY: ScriptedTask[] = [
  { title: "Task x", file: "x.py", content: "X = 1\n" },
  { title: "Task y", file: "y.py", content: "Y = 2\n" },
];

Deno.test("no git, two tasks change the same file at once: one reworked on top of the other, nothing lost", async () => {
  const session = scriptedSession(XY);
  const respond = (body: ChatBody, ctx: Parameters<typeof session>[1]): Reply => {
    const task = body.model === KEYS.coder ? taskOf(body, XY) : undefined;
    if (!task) return session(body, ctx);
    const text = (body.messages ?? []).map((m) => typeof m.content === "string" ? m.content : "")
      .join("\n");
    // Told of the conflict, the coder writes its line on top of the other task's.
    const shared = text.includes("Merge conflict")
      ? "x = 1\ny = 2\n"
      : task.title === "Task x"
      ? "x = 1\n"
      : "y = 2\n";
    const writes = [
      { name: "file_write", arguments: { path: task.file, content: task.content } },
      { name: "file_write", arguments: { path: "shared.py", content: shared } },
    ];
    return turns(body) === 0 ? { toolCalls: writes } : { content: "Done." };
  };
  await using h = await harness(respond, (c) => c.git.enabled = false);
  const { workspace } = await runTwoSlots(h, "xy.md", "# XY\n\n- Task x: x.py\n- Task y: y.py\n");
  assert.deepEqual(h.store.listTasks().map((t) => [t.status, t.attempt]), [
    ["completed", 0],
    ["completed", 0],
  ]);
  const conflicts = h.events.filter((e) =>
    e.type === "task.transition" && (e.reason ?? "").startsWith("merge conflict in shared.py")
  );
  assert.equal(conflicts.length, 1, "exactly one task was sent back with the conflict");
  const coders = h.events.filter((e) => e.type === "phase.start" && e.phase === "coder");
  assert.equal(coders.length, 3, "one task coded again");
  assert.equal(await Deno.readTextFile(join(workspace, "shared.py")), "x = 1\ny = 2\n");
  assert.equal(await Deno.readTextFile(join(workspace, "x.py")), "X = 1\n");
  assert.equal(await Deno.readTextFile(join(workspace, "y.py")), "Y = 2\n");
});

Deno.test("a run stopped with 4 coders in flight (before any file is written) and a fresh run finish the plan", async () => {
  await stopWithFourInFlight("first");
});

Deno.test("a run stopped with 4 reviews in flight (coder commits not yet integrated) and a fresh run finish the plan", async () => {
  await stopWithFourInFlight("review");
});

Deno.test("killed while git was in the middle of an approved task's cherry-pick: the restart completes the plan, each coder commit once", async () => {
  await crashAndRestart("stopped");
});

Deno.test("killed after git finished an approved task's cherry-pick, before the approval was recorded: each coder commit once", async () => {
  await crashAndRestart("finished");
});
