/**
 * Issue 16, crash recovery with tasks in flight, in the test process (the
 * journeys behind `parallel_test.ts`). A first run (git on, so each task
 * codes in its own worktree) is stopped at a chosen point; a second run with
 * fresh ports (`Harness.restart`: what a new `lao run` builds, nothing
 * remembered from the first) on the same store and project must finish the
 * plan with at most one extra attempt per task, a sound database, no task
 * worktree left and each coder commit on the plan branch exactly once. The
 * stop points:
 *
 * - 4 requests of one kind in flight on a server of 4 slots (the fake never
 *   answers them, as a killed process never gets its answers): each coder's
 *   first request (nothing written yet), or the reviews (each coder commit
 *   in its worktree, not yet on the plan branch). The real-process journey
 *   (SIGKILL after the writes, a restarted `lao run`) is
 *   `parallel_crash_test.ts`.
 * - An approved task's cherry-pick onto the plan branch (`cherry_pick_crash.ts`):
 *   git stopped in the middle of the pick sequence (the first commit on the
 *   plan branch, the second applied to the index only, `CHERRY_PICK_HEAD`
 *   and the sequencer in place), or git finished the picks after LAO died
 *   and the approval was never recorded.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { UserError } from "../../src/errors.ts";
import { buildLanes } from "../../src/pipeline/server_lanes.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { start } from "../fake_server/server.ts";
import type { ChatBody, Reply } from "../fake_server/types.ts";
import { git, leaveCrashState, withFault } from "./cherry_pick_crash.ts";
import { harness } from "./harness.ts";
import { assertFiveFinished, FIVE_PLAN, FIVE_TASKS, laneServer } from "./parallel_fixtures.ts";
import { KEYS, scriptedSession, type ScriptedTask } from "./scripted.ts";

/**
 * Holds the fake's answers to 4 requests of one kind until `release`:
 * `first`, each coder's first request (nothing written yet); `review`, the
 * reviews (each task's coder commit is in its worktree, not yet on the plan
 * branch). Once 4 are held, `four` resolves and later requests pass.
 */
function holdFour(hold: "first" | "review", requests: () => { body?: unknown }[]) {
  const key = hold === "review" ? KEYS.reviewer : KEYS.coder;
  const held: (() => void)[] = [];
  let full = false;
  let reached = () => {};
  const four = new Promise<void>((resolve) => reached = resolve);
  // A free slot calls `sleep` right after recording the request, so the last record is its body.
  const sleep = (): Promise<void> => {
    const body = requests().at(-1)?.body as ChatBody | undefined;
    const wrote = body?.messages?.at(-1)?.role === "tool";
    if (full || body?.model !== key || (hold === "first" && wrote)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      held.push(resolve);
      if (held.length >= 4) {
        full = true;
        reached();
      }
    });
  };
  return { sleep, four, release: () => held.splice(0).forEach((go) => go()) };
}

/** Stops a first run with 4 requests of `hold`'s kind in flight; a fresh run must finish the plan. */
export async function stopWithFourInFlight(hold: "first" | "review") {
  const ref: { requests: () => { body?: unknown }[] } = { requests: () => [] };
  const gate = holdFour(hold, () => ref.requests());
  const session = scriptedSession(FIVE_TASKS);
  await using h = await harness(session, () => {}, {
    server: {
      generation: { slots: 4, tokensPerSecond: 1000, completionTokens: 1, sleep: gate.sleep },
    },
  });
  ref.requests = () => h.server.requests;
  const config = { ...h.config, servers: [laneServer("a", h.server.url, 4)] };
  await h.addPlan("five.md", FIVE_PLAN);
  const lanes = await buildLanes(h.deps, config);
  assert.ok(lanes?.[0]?.isolation?.overlapping, "tasks code in their own worktrees");
  const abortFirst = h.abort;
  const first = runPipeline({ ...h.deps, lanes }, { singleRun: true });
  await Promise.race([
    gate.four,
    first.then(() => Promise.reject(new Error("the first run ended before 4 were in flight"))),
  ]);
  const key = hold === "review" ? KEYS.reviewer : KEYS.coder;
  assert.equal(h.server.gates.get(key)?.peak, 4);
  // The fresh run talks to a fresh server: the stopped run's 4 requests keep the old one's slots.
  await using restarted = await start({ respond: session });
  try {
    const seen = h.events.length;
    const deps = await h.restart();
    const again = await buildLanes(deps, {
      ...config,
      servers: [laneServer("a", restarted.url, 4)],
    });
    const result = await runPipeline({ ...deps, lanes: again! }, { singleRun: true });
    // The fresh run found the stopped run's 4 tasks where it left them.
    const recovered = h.events.slice(seen).flatMap((e) =>
      e.type === "log" && e.message.startsWith("recovered ") ? [e.message] : []
    );
    const [coding, review] = hold === "review" ? [0, 4] : [4, 0];
    assert.deepEqual(recovered, [
      `recovered ${coding} coding and ${review} review tasks after an interruption`,
    ]);
    const tasks = h.store.listTasks();
    assert.deepEqual(
      tasks.map((t) => [t.title, t.status]),
      FIVE_TASKS.map((t) => [t.title, "completed"]),
    );
    for (const t of tasks) assert.ok(t.attempt <= 1, `${t.title} used ${t.attempt} extra attempts`);
    const check = h.store.db.prepare("PRAGMA integrity_check").all() as {
      integrity_check: string;
    }[];
    assert.deepEqual(check.map((r) => r.integrity_check), ["ok"]);
    const plan = result.plans[0]!;
    assert.equal(h.store.getPlan(plan.id)!.status, "completed");
    await assertFiveFinished(h.dir, plan.workspace!);
  } finally {
    // The stopped run gets its answers only once it is aborted, then ends.
    abortFirst();
    gate.release();
    await first.catch(() => undefined);
  }
}

/** Task p is rejected once, so its worktree holds two coder commits when it is approved. */
const PQ: ScriptedTask[] = [
  { title: "Task p", file: "p.py", content: "p = 1\n", rejectTimes: 1 },
  { title: "Task q", file: "q.py", content: "q = 1\n" },
];
const PQ_PLAN = "# PQ\n\n- Task p: p.py\n- Task q: q.py\n";

/**
 * A fault hook on the first run's integration of task p leaves `kind`'s
 * crash state and stops that run (the task still waits for its review, as
 * after a crash and the start-up recovery); the second run must complete the
 * plan, each coder commit once on the plan branch, nothing in progress.
 */
export async function crashAndRestart(kind: "stopped" | "finished") {
  const session = scriptedSession(PQ);
  const respond = (body: ChatBody, ctx: Parameters<typeof session>[1]): Reply => {
    const text = (body.messages ?? []).map((m) => typeof m.content === "string" ? m.content : "")
      .join("\n");
    // Task p's second attempt changes its file again (its own second coder commit).
    if (body.model === KEYS.coder && text.includes("## Task: Task p\n") && turnsOf(body) === 0) {
      const content = text.includes("edge case not handled") ? "p = 2\n" : "p = 1\n";
      return { toolCalls: [{ name: "file_write", arguments: { path: "p.py", content } }] };
    }
    return session(body, ctx);
  };
  await using h = await harness(respond);
  const config = { ...h.config, servers: [laneServer("a", h.server.url, 2)] };
  await h.addPlan("pq.md", PQ_PLAN);
  let picks: string[] = [];
  const first = await buildLanes(h.deps, config);
  assert.ok(first && first[0]!.isolation?.overlapping, "tasks code in their own worktrees");
  const faulty = withFault(first[0]!.isolation!, 1, async (plan, taskWs) => {
    picks = await leaveCrashState(kind, h.dir, plan.workspace, taskWs);
  });
  for (const lane of first) lane.isolation = faulty;
  await runPipeline({ ...h.deps, lanes: first }, { singleRun: true }).catch((err) => {
    if (!(err instanceof UserError)) throw err;
  });
  assert.equal(picks.length, 2, "the fault hook ran");
  assert.notEqual(h.store.listTasks()[0]!.status, "completed");

  const second = await buildLanes(h.deps, config);
  const result = await runPipeline({ ...h.deps, lanes: second! }, { singleRun: true });
  const plan = result.plans[0]!;
  assert.equal(plan.status, "completed");
  assert.deepEqual(h.store.listTasks().map((t) => [t.title, t.status, t.attempt]), [
    ["Task p", "completed", 1],
    ["Task q", "completed", 0],
  ]);
  const ws = plan.workspace!;
  assert.equal(await Deno.readTextFile(join(ws, "p.py")), "p = 2\n");
  assert.equal(await Deno.readTextFile(join(ws, "q.py")), "q = 1\n");
  // Each coder commit once on the plan branch: p's two, q's one.
  const log = (await git(ws, ["log", "--format=%s"])).stdout.split("\n");
  const coder = log.filter((s) => s.startsWith("lao(coder):"));
  assert.deepEqual(coder.filter((s) => s.includes("Task p")).length, 2, coder.join("\n"));
  assert.deepEqual(coder.filter((s) => s.includes("Task q")).length, 1, coder.join("\n"));
  // Nothing in progress, nothing uncommitted, no task worktree left.
  const gitDir = (await git(ws, ["rev-parse", "--absolute-git-dir"])).stdout.trim();
  for (const name of ["CHERRY_PICK_HEAD", "sequencer"]) {
    await assert.rejects(Deno.lstat(join(gitDir, name)), Deno.errors.NotFound, name);
  }
  const status = await git(ws, ["status", "--porcelain", "--untracked-files=no"]);
  assert.equal(status.stdout, "");
  const left = await Array.fromAsync(Deno.readDir(join(h.dir, ".lao", "worktrees")));
  assert.deepEqual(left.map((e) => e.name).filter((n) => n.includes(".task-")), []);
}

function turnsOf(body: ChatBody): number {
  return (body.messages ?? []).filter((m) => m.role === "tool").length;
}
