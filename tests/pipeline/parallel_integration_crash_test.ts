/**
 * Issue 16, a crash while an approved task's commits are being
 * cherry-picked onto the plan branch. A fault hook on the first run's
 * integration builds, by hand with git itself, the state a killed run
 * leaves, then stops that run where it is (the task still waits for its
 * review, as after a crash and the start-up recovery):
 *
 * - `stopped`: git stopped in the middle of the pick sequence: the task's
 *   first commit already on the plan branch, the second applied to the index
 *   only, `CHERRY_PICK_HEAD` and the sequencer in place;
 * - `finished`: git finished the picks on its own after LAO died, and the
 *   approval was never recorded.
 *
 * A second run (new lanes: nothing remembered from the first) must complete
 * the plan with every coder commit once on the plan branch, nothing lost and
 * nothing left in progress.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Config } from "../../src/config/schema.ts";
import { UserError } from "../../src/errors.ts";
import { buildLanes } from "../../src/pipeline/server_lanes.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import type { TaskWorktrees } from "../../src/worktree/task_worktrees.ts";
import type { ChatBody, Reply } from "../fake_server/types.ts";
import { harness } from "./harness.ts";
import { KEYS, scriptedSession, type ScriptedTask } from "./scripted.ts";

const server = (url: string): Config["servers"][number] => ({
  name: "a",
  base_url: url,
  kind: "lmstudio",
  api_key: null,
  slots: 2,
  roles: null,
});

/** Task p is rejected once, so its worktree holds two coder commits when it is approved. */
const TASKS: ScriptedTask[] = [
  { title: "Task p", file: "p.py", content: "p = 1\n", rejectTimes: 1 },
  { title: "Task q", file: "q.py", content: "q = 1\n" },
];
const PLAN = "# PQ\n\n- Task p: p.py\n- Task q: q.py\n";

/** Runs git in `cwd` (the test's own calls, outside LAO). */
async function git(cwd: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command("git", {
    args: ["-c", "user.name=Crash Test", "-c", "user.email=crash@test", ...args],
    cwd,
    env: { GIT_CONFIG_NOSYSTEM: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { ok: out.success, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/** An editor that accepts the first message and fails from the second on. */
async function editorFailingSecond(dir: string): Promise<string> {
  const path = join(dir, "editor.sh");
  const mark = join(dir, "editor.mark");
  await Deno.writeTextFile(path, `#!/bin/sh\n[ -f '${mark}' ] && exit 1\ntouch '${mark}'\n`);
  await Deno.chmod(path, 0o755);
  return path;
}

/** Does, by hand, what the killed run's cherry-pick left in the plan workspace. */
async function leaveCrashState(
  kind: "stopped" | "finished",
  dir: string,
  workspace: string,
  taskWs: string,
): Promise<string[]> {
  const taskHead = (await git(taskWs, ["rev-parse", "HEAD"])).stdout.trim();
  const cherry = await git(workspace, ["cherry", "HEAD", taskHead]);
  const picks = cherry.stdout.split("\n").filter((l) => l.startsWith("+ ")).map((l) => l.slice(2));
  assert.equal(picks.length, 2, `task p has two coder commits to pick:\n${cherry.stdout}`);
  if (kind === "finished") {
    assert.ok((await git(workspace, ["cherry-pick", ...picks])).ok);
    return picks;
  }
  const editor = await editorFailingSecond(dir);
  const picked = await git(workspace, ["cherry-pick", "-e", ...picks], { GIT_EDITOR: editor });
  assert.equal(picked.ok, false, "git stopped in the middle of the sequence");
  const gitDir = (await git(workspace, ["rev-parse", "--absolute-git-dir"])).stdout.trim();
  await Deno.lstat(join(gitDir, "CHERRY_PICK_HEAD"));
  await Deno.lstat(join(gitDir, "sequencer"));
  const staged = await git(workspace, ["diff", "--cached", "--name-only"]);
  assert.deepEqual(staged.stdout.trim().split("\n"), ["p.py"], "the second pick is half applied");
  return picks;
}

/** The isolation of `lanes` with a fault hook on task `id`'s first integration. */
function withFault(
  isolation: TaskWorktrees,
  id: number,
  fault: (plan: { workspace: string }, taskWs: string) => Promise<void>,
): TaskWorktrees {
  let fired = false;
  return {
    ...isolation,
    overlapping: isolation.overlapping,
    open: (plan, taskId) => isolation.open(plan, taskId),
    close: (plan, taskId) => isolation.close(plan, taskId),
    integrate: async (plan, taskId) => {
      if (taskId !== id || fired) return await isolation.integrate(plan, taskId);
      fired = true;
      await fault(plan, (await isolation.open(plan, taskId))!);
      throw new UserError("simulated crash in the middle of the cherry-pick");
    },
  };
}

async function crashAndRestart(kind: "stopped" | "finished") {
  const session = scriptedSession(TASKS);
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
  const config = { ...h.config, servers: [server(h.server.url)] };
  await h.addPlan("pq.md", PLAN);
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

Deno.test("killed while git was in the middle of an approved task's cherry-pick: the restart completes the plan, each coder commit once", async () => {
  await crashAndRestart("stopped");
});

Deno.test("killed after git finished an approved task's cherry-pick, before the approval was recorded: each coder commit once", async () => {
  await crashAndRestart("finished");
});
