/**
 * Commits in the background (issue 12): queued coder and reviewer commits
 * land in order, each holding exactly its files even when the next task
 * writes meanwhile, and a run killed before they landed has them made by the
 * next one (the journal, `src/git/pending_journal.ts`).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { writesAfterCommits } from "../../src/git/background.ts";
import { PlanGit } from "../../src/git/commits.ts";
import { settleCommits } from "../../src/git/commit_queue.ts";
import type { WorkspaceFs } from "../../src/workspace/workspace_fs.ts";
import { filesIn, gitSandbox, subjects, warnings } from "./_helpers.ts";

const SNAPSHOT = { sourceFile: "p.md", stem: "p", planId: "p-1", version: "0.1.0" };

/** A plain on-disk WorkspaceFs (the guard is not what these tests are about). */
function diskFs(root: string): WorkspaceFs {
  return {
    root,
    readText: (p) => Deno.readTextFile(join(root, p)),
    writeText: (p, c) => Deno.writeTextFile(join(root, p), c),
    isFile: async (p) => (await Deno.lstat(join(root, p)).catch(() => null))?.isFile ?? false,
    walk: () => Promise.resolve([]),
    relative: (p) => Promise.resolve(p),
  };
}

Deno.test("queued coder commits hold the coder's content even when the next task rewrites the file at once", async () => {
  await using box = await gitSandbox();
  const ws = join(box.root, "ws");
  const git = new PlanGit({ workspace: ws, runner: box.runner, emit: box.emit });
  await git.commitPlanSnapshot("# P\n", SNAPSHOT);
  const fs = writesAfterCommits(diskFs(ws), git);

  await fs.writeText("a.py", "v1\n");
  await git.queueCoder({ planId: "p-1", taskId: 1, title: "first", files: ["a.py"] });
  // The next task writes another file (no wait) and then the first task's file (waits for its commit).
  await fs.writeText("b.py", "b\n");
  await git.queueCoder({ planId: "p-1", taskId: 2, title: "second", files: ["b.py"] });
  await fs.writeText("a.py", "v2\n");
  await git.queueReview({ planId: "p-1", taskId: 1, title: "first", verdict: "approved" });
  await settleCommits();

  assert.deepEqual((await subjects(box, ws)).slice(0, 3), [
    "lao(reviewer): approved task #1 first",
    "lao(coder): task #2 second",
    "lao(coder): task #1 first",
  ]);
  assert.equal(await box.git(ws, "show", "HEAD~2:a.py"), "v1\n");
  assert.deepEqual(await filesIn(box, ws, "HEAD~1"), ["b.py"]);
  assert.deepEqual(await filesIn(box, ws, "HEAD"), ["LAO_REVIEW.log"]);
  // The rewrite is in the working tree, not in any commit.
  assert.equal(await Deno.readTextFile(join(ws, "a.py")), "v2\n");
  assert.match(await box.git(ws, "status", "--porcelain"), /^ M a\.py$/m);
  const commits = box.events.flatMap((e) => e.type === "git.commit" ? [e.subject] : []);
  assert.deepEqual(commits.slice(-3), [
    "lao(coder): task #1 first",
    "lao(coder): task #2 second",
    "lao(reviewer): approved task #1 first",
  ]);
  assert.deepEqual(warnings(box), []);
});

Deno.test("a commit call that is not queued waits for the queued ones before it", async () => {
  await using box = await gitSandbox();
  const ws = join(box.root, "ws");
  const git = new PlanGit({ workspace: ws, runner: box.runner, emit: box.emit });
  await git.commitPlanSnapshot("# P\n", SNAPSHOT);
  await Deno.writeTextFile(join(ws, "a.py"), "a\n");
  await git.queueCoder({ planId: "p-1", taskId: 1, title: "first", files: ["a.py"] });
  await Deno.writeTextFile(join(ws, "LAO_QUALITY.md"), "# Report\n");
  const report = await git.commitReport(["LAO_QUALITY.md"]);
  assert.ok(report);
  assert.deepEqual((await subjects(box, ws)).slice(0, 2), [
    "lao(report): update quality report",
    "lao(coder): task #1 first",
  ]);
});

/** The child of the crash test: queues a coder and a reviewer commit, then SIGKILLs itself. */
const CHILD = new URL("./_background_crash_child.ts", import.meta.url).pathname;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

Deno.test("a run killed before its queued commits landed has them made by the next run, once each", async () => {
  await using box = await gitSandbox();
  const ws = join(box.root, "ws");
  const before = new PlanGit({ workspace: ws, runner: box.runner, emit: box.emit });
  await before.commitPlanSnapshot("# P\n", SNAPSHOT);
  await Deno.writeTextFile(join(ws, "a.py"), "a\n");
  const env = JSON.stringify(box.env);

  const child = await new Deno.Command("deno", {
    args: ["run", "-q", "--config", CONFIG, "-P=lao", CHILD, ws, box.runner.hooksDir, env],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(child.signal, "SIGKILL", new TextDecoder().decode(child.stderr));
  const layouts = [...Deno.readDirSync(box.runner.layoutDir)].map((e) => e.name);
  assert.ok(layouts.some((n) => n.endsWith(".pending.json")), `no journal in ${layouts}`);

  // The next run: its first call on the workspace makes what the killed one queued.
  const after = new PlanGit({ workspace: ws, runner: box.runner, emit: box.emit });
  await after.settle();
  const log = await subjects(box, ws);
  assert.equal(log.filter((s) => s === "lao(coder): task #1 first").length, 1);
  assert.equal(log.filter((s) => s === "lao(reviewer): approved task #1 first").length, 1);
  assert.equal(log[0], "lao(reviewer): approved task #1 first");
  const review = await Deno.readTextFile(join(ws, "LAO_REVIEW.log"));
  assert.equal(review, "2026-12-01T00:00:00.000Z task_id=1 verdict=approved\n");
  assert.equal(await box.git(ws, "status", "--porcelain"), "");
  const left = [...Deno.readDirSync(box.runner.layoutDir)].map((e) => e.name);
  assert.deepEqual(left.filter((n) => n.includes(".pending")), []);
});
