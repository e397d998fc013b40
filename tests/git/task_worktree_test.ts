import assert from "node:assert/strict";
import { join } from "node:path";
import { PlanGit } from "../../src/git/commits.ts";
import { taskWorktrees } from "../../src/worktree/task_worktrees.ts";
import { gitSandbox } from "./_helpers.ts";

const serial = <T>(_ws: string, call: () => Promise<T>) => call();

Deno.test("a task worktree whose folder was deleted behind git's back is made again at the next open", async () => {
  await using box = await gitSandbox();
  const plan = { stem: "todo", workspace: join(box.root, "todo") };
  const git = new PlanGit({ workspace: plan.workspace, runner: box.runner, emit: box.emit });
  assert.ok(await git.commitArchitect({ planId: "p", stem: "todo", tasks: [] }));

  const first = await taskWorktrees(box.runner, box.root, serial).open(plan, 1);
  assert.ok(first);
  // A crash, or the user's rm: the folder is gone, git still lists the worktree.
  await Deno.remove(first, { recursive: true });
  assert.match(await box.git(plan.workspace, "worktree", "list"), /todo\.task-1/);

  // A new run (nothing remembered) opens the task at the same place.
  const again = await taskWorktrees(box.runner, box.root, serial).open(plan, 1);
  assert.equal(again, first);
  assert.equal((await Deno.lstat(join(again!, ".git"))).isFile, true);
  assert.equal(
    (await box.git(again!, "rev-parse", "HEAD")).trim(),
    (await box.git(plan.workspace, "rev-parse", "HEAD")).trim(),
  );
});
