import assert from "node:assert/strict";
import { join } from "node:path";
import { PlanGit } from "../../src/git/commits.ts";
import { formatLog, planLog } from "../../src/git/log.ts";
import { undoTask } from "../../src/git/undo.ts";
import { gitSandbox, subjects } from "./_helpers.ts";

async function seeded(box: Awaited<ReturnType<typeof gitSandbox>>, trailers = false) {
  const ws = join(box.root, "p");
  const git = new PlanGit({
    workspace: ws,
    runner: box.runner,
    emit: box.emit,
    git: { plan_file_name: "LAO_PLAN.md", commit_trailers: trailers },
  });
  await Deno.mkdir(ws, { recursive: true });
  const write = (file: string, text: string) => Deno.writeTextFile(join(ws, file), text);
  await write("app.py", "v1\n");
  await git.commitCoder({ planId: "p", taskId: 1, title: "App v1", files: ["app.py"] });
  await write("app.py", "v2\n");
  await write("util.py", "util\n");
  await git.commitCoder({ planId: "p", taskId: 2, title: "App v2", files: ["app.py", "util.py"] });
  await git.commitReview({ planId: "p", taskId: 2, title: "App v2", verdict: "approved" });
  await write("other.py", "other\n");
  await git.commitCoder({ planId: "p", taskId: 3, title: "Other", files: ["other.py"] });
  return { ws, git, read: (file: string) => Deno.readTextFile(join(ws, file)) };
}

Deno.test("undoing a task restores the previous content of its files", async () => {
  await using box = await gitSandbox();
  const { ws, git, read } = await seeded(box, true);
  const result = await git.undoTask(2, { note: "wrong approach" });
  assert.ok(result.ok, result.ok ? "" : result.message);
  assert.deepEqual(result.files, ["app.py", "util.py"]);
  assert.equal(result.reverted.length, 1);
  assert.equal(await read("app.py"), "v1\n");
  await assert.rejects(read("util.py"), Deno.errors.NotFound);
  assert.equal(await read("other.py"), "other\n");
  assert.equal((await subjects(box, ws))[0], 'Revert "lao(coder): task #2 App v2"');
  assert.equal(await box.git(ws, "status", "--porcelain"), "");

  const again = await git.undoTask(2);
  assert.equal(again.ok, false);
  assert.match(again.ok ? "" : again.message, /^Cannot undo task #2: no coder commit/);
});

Deno.test("undo refuses when a later task changed the same file and leaves the tree alone", async () => {
  await using box = await gitSandbox();
  const { ws, read } = await seeded(box);
  const head = await box.git(ws, "rev-parse", "HEAD");
  const result = await undoTask(ws, 1, { runner: box.runner });
  assert.equal(result.ok, false);
  assert.equal(
    result.ok ? "" : result.message,
    "Cannot undo task #1: later task #2 changed the same files (app.py); undo that first",
  );
  assert.equal(await box.git(ws, "rev-parse", "HEAD"), head);
  assert.equal(await read("app.py"), "v2\n");
});

Deno.test("undo refuses and aborts cleanly when git cannot revert", async () => {
  await using box = await gitSandbox();
  const { ws, read } = await seeded(box);
  // A non-LAO commit on top of task 3's file makes the revert conflict.
  await Deno.writeTextFile(join(ws, "other.py"), "edited by hand\n");
  await box.git(ws, "commit", "-q", "-am", "manual edit");
  const result = await undoTask(ws, 3, { runner: box.runner });
  assert.equal(result.ok, false);
  assert.match(result.ok ? "" : result.message, /^Cannot undo task #3: "git revert" failed/);
  assert.equal(await box.git(ws, "status", "--porcelain"), "");
  assert.equal(await read("other.py"), "edited by hand\n");
});

Deno.test("planLog lists LAO commits with agent, task and verdict", async () => {
  await using box = await gitSandbox();
  const { ws, git } = await seeded(box);
  await git.undoTask(3);
  const entries = await planLog(ws, { runner: box.runner });
  assert.deepEqual(
    entries.map((e) => [e.agent, e.taskId, e.verdict]),
    [
      ["undo", 3, undefined],
      ["coder", 3, undefined],
      ["reviewer", 2, "approved"],
      ["coder", 2, undefined],
      ["coder", 1, undefined],
    ],
  );
  const text = formatLog(entries);
  assert.equal(text.split("\n").length, 5);
  assert.match(text, /reviewer {2}#2 {4}lao\(reviewer\): approved task #2 App v2/);
});

Deno.test("planLog is empty for a folder without a repository", async () => {
  await using box = await gitSandbox();
  assert.deepEqual(await planLog(box.root, { runner: box.runner }), []);
});

Deno.test("undo works for a workspace inside a parent repository", async () => {
  await using box = await gitSandbox();
  const parent = join(box.root, "project");
  const ws = join(parent, "plans", "p");
  await Deno.mkdir(ws, { recursive: true });
  await box.git(parent, "init", "-q");
  const git = new PlanGit({ workspace: ws, runner: box.runner });
  await Deno.writeTextFile(join(ws, "a.py"), "one\n");
  await git.commitCoder({ planId: "p", taskId: 1, title: "A", files: ["a.py"] });
  await Deno.writeTextFile(join(ws, "a.py"), "two\n");
  await git.commitCoder({ planId: "p", taskId: 2, title: "A again", files: ["a.py"] });
  const result = await git.undoTask(2);
  assert.ok(result.ok);
  assert.deepEqual(result.files, ["a.py"]);
  assert.equal(await Deno.readTextFile(join(ws, "a.py")), "one\n");
});

Deno.test("undo refuses while the user has a revert in progress", async () => {
  await using box = await gitSandbox();
  const { ws } = await seeded(box);
  await Deno.writeTextFile(join(ws, "other.py"), "edited by hand\n");
  await box.git(ws, "commit", "-q", "-am", "manual edit");
  const head = (await box.git(ws, "log", "-2", "--format=%H")).split("\n")[1] ?? "";
  await assert.rejects(box.git(ws, "revert", "--no-edit", head));
  const result = await undoTask(ws, 2, { runner: box.runner });
  assert.equal(result.ok, false);
  assert.match(result.ok ? "" : result.message, /a revert is in progress/);
  assert.match(await box.git(ws, "status"), /revert/i);
});
