/**
 * Crash states of an approved task's integration (issue 16), built by hand
 * with git itself from a fault hook on the run's integration, for
 * `parallel_recovery_test.ts`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { UserError } from "../../src/errors.ts";
import type { TaskWorktrees } from "../../src/worktree/task_worktrees.ts";

/** Runs git in `cwd` (the test's own calls, outside LAO). */
export async function git(cwd: string, args: string[], env: Record<string, string> = {}) {
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

/**
 * Does, by hand, what the killed run's cherry-pick left in the plan workspace
 * (`stopped`: git in the middle of the sequence; `finished`: git done, the
 * approval not recorded); returns the picked commits.
 */
export async function leaveCrashState(
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
export function withFault(
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
