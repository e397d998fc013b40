import assert from "node:assert/strict";
import { join } from "node:path";
import { PlanGit } from "../../src/git/commits.ts";
import { filesIn, gitSandbox, subjects, warnings } from "./_helpers.ts";

const PLAN = "# Build a todo CLI in Python\n\n- REQ-1 add items\n";

Deno.test("a fresh plan gets a repository and one commit per phase with the spec's subjects", async () => {
  await using box = await gitSandbox();
  const ws = join(box.root, "todo");
  const git = new PlanGit({
    workspace: ws,
    runner: box.runner,
    emit: box.emit,
    git: { plan_file_name: "LAO_PLAN.md", commit_trailers: true },
    now: () => new Date("2025-03-04T05:06:07.000Z"),
  });

  const plan = await git.commitPlanSnapshot(PLAN, {
    sourceFile: "todo.md",
    stem: "todo",
    planId: "p-1",
    version: "0.1.0",
  });
  assert.ok(plan);
  assert.equal(plan.subject, "lao(plan): add plan snapshot for todo");
  const snapshot = await Deno.readTextFile(join(ws, "LAO_PLAN.md"));
  assert.equal(snapshot, `<!-- LAO plan snapshot: source=todo.md lao_version=0.1.0 -->\n\n${PLAN}`);
  assert.deepEqual(await filesIn(box, ws), [".gitignore", "LAO_PLAN.md"]);
  assert.match(await Deno.readTextFile(join(ws, ".gitignore")), /__pycache__\/\n/);

  await git.commitArchitect({
    planId: "p-1",
    stem: "todo",
    tasks: [{ id: 7, title: "Add parser", status: "pending" }],
  });
  const tasks = await Deno.readTextFile(join(ws, "LAO_TASKS.json"));
  assert.deepEqual(JSON.parse(tasks), {
    plan_id: "p-1",
    tasks: [{ id: 7, title: "Add parser", status: "pending" }],
  });
  assert.ok(tasks.endsWith("}\n"));

  await Deno.writeTextFile(join(ws, "parser.py"), "def parse(): pass\n");
  const coder = await git.commitCoder({
    planId: "p-1",
    taskId: 7,
    title: "Add parser",
    files: ["parser.py"],
  });
  assert.ok(coder);
  await git.commitReview({ planId: "p-1", taskId: 7, title: "Add parser", verdict: "rejected" });
  await git.commitReview({ planId: "p-1", taskId: 7, title: "Add parser", verdict: "approved" });

  assert.deepEqual(await subjects(box, ws), [
    "lao(reviewer): approved task #7 Add parser",
    "lao(reviewer): rejected task #7 (rework) Add parser",
    "lao(coder): task #7 Add parser",
    "lao(architect): decompose plan todo into 1 tasks",
    "lao(plan): add plan snapshot for todo",
  ]);
  assert.equal(
    await box.git(ws, "log", "-1", "--format=%b", coder.sha),
    "Plan-ID: p-1\nLAO-Plan-ID: p-1\nLAO-Task-ID: 7\n\n",
  );
  assert.equal(
    await box.git(ws, "log", "-1", "--format=%b", plan.sha),
    "# Build a todo CLI in Python\n\nPlan-ID: p-1\nLAO-Plan-ID: p-1\n\n",
  );
  assert.equal(
    await Deno.readTextFile(join(ws, "LAO_REVIEW.log")),
    "2025-03-04T05:06:07.000Z task_id=7 verdict=rejected\n" +
      "2025-03-04T05:06:07.000Z task_id=7 verdict=approved\n",
  );
  const commitEvents = box.events.filter((e) => e.type === "git.commit");
  assert.equal(commitEvents.length, 5);
  assert.deepEqual(warnings(box), []);
});

Deno.test("commit bodies carry only Plan-ID when trailers are off", async () => {
  await using box = await gitSandbox();
  const ws = join(box.root, "p");
  const git = new PlanGit({ workspace: ws, runner: box.runner });
  const done = await git.commitArchitect({ planId: "p-9", stem: "p", tasks: [] });
  assert.ok(done);
  assert.equal(
    await box.git(ws, "log", "-1", "--format=%B"),
    `${done.subject}\n\nPlan-ID: p-9\n\n`,
  );
});

Deno.test("a coder commit contains only the task's files even when other files changed or are staged", async () => {
  await using box = await gitSandbox();
  const ws = join(box.root, "p");
  const git = new PlanGit({ workspace: ws, runner: box.runner, emit: box.emit });
  await Deno.mkdir(join(ws, "src"), { recursive: true });
  await Deno.writeTextFile(join(ws, "src/old.py"), "old\n");
  await Deno.writeTextFile(join(ws, "notes.txt"), "v1\n");
  await git.commitCoder({
    planId: "p",
    taskId: 1,
    title: "Seed",
    files: ["src/old.py", "notes.txt"],
  });

  await Deno.writeTextFile(join(ws, "notes.txt"), "v2 by the user\n");
  await Deno.writeTextFile(join(ws, "staged.txt"), "staged by the user\n");
  await box.git(ws, "add", "staged.txt");
  await Deno.writeTextFile(join(ws, "quality_report.json"), "{}\n");
  await Deno.writeTextFile(join(ws, "src/new.py"), "new\n");
  await Deno.remove(join(ws, "src/old.py"));

  const commit = await git.commitCoder({
    planId: "p",
    taskId: 2,
    title: "Replace old",
    files: ["./src/new.py", "src/old.py", "../escape.txt", ".git/hooks/post-commit"],
  });
  assert.ok(commit);
  assert.deepEqual(await filesIn(box, ws), ["src/new.py", "src/old.py"]);
  const status = await box.git(ws, "status", "--porcelain");
  assert.match(status, /^A {2}staged\.txt$/m);
  assert.match(status, /^ M notes\.txt$/m);
  assert.match(status, /^\?\? quality_report\.json$/m);
});

Deno.test("a commit with nothing changed returns null and no warning", async () => {
  await using box = await gitSandbox();
  const ws = join(box.root, "p");
  const git = new PlanGit({ workspace: ws, runner: box.runner, emit: box.emit });
  await Deno.mkdir(ws, { recursive: true });
  await Deno.writeTextFile(join(ws, "a.txt"), "a\n");
  assert.ok(await git.commitCoder({ planId: "p", taskId: 1, title: "A", files: ["a.txt"] }));
  assert.equal(
    await git.commitCoder({ planId: "p", taskId: 1, title: "A", files: ["a.txt"] }),
    null,
  );
  assert.equal(
    await git.commitCoder({ planId: "p", taskId: 1, title: "A", files: ["gone.txt"] }),
    null,
  );
  assert.deepEqual(warnings(box), []);
});

Deno.test("a report commit contains only the given report files", async () => {
  await using box = await gitSandbox();
  const ws = join(box.root, "p");
  const git = new PlanGit({ workspace: ws, runner: box.runner, planId: "p-2" });
  await Deno.mkdir(ws, { recursive: true });
  await Deno.writeTextFile(join(ws, "quality_report.json"), "{}\n");
  await Deno.writeTextFile(join(ws, "other.txt"), "x\n");
  const commit = await git.commitReport(["quality_report.json"]);
  assert.equal(commit?.subject, "lao(report): update quality report");
  assert.deepEqual(await filesIn(box, ws), [".gitignore", "quality_report.json"]);
});

Deno.test("a planted post-commit hook is not executed by LAO's commits", async () => {
  await using box = await gitSandbox();
  const ws = join(box.root, "p");
  await Deno.mkdir(ws, { recursive: true });
  await box.git(ws, "init", "-q");
  const marker = join(box.root, "hook-ran");
  const hook = `#!/bin/sh\ntouch '${marker}'\n`;
  for (const dir of [join(ws, ".git/hooks"), join(box.root, "evil-hooks")]) {
    await Deno.mkdir(dir, { recursive: true });
    for (const name of ["post-commit", "pre-commit", "commit-msg"]) {
      await Deno.writeTextFile(join(dir, name), hook, { mode: 0o755 });
    }
  }
  // A repository-local hooksPath must not win either.
  await box.git(ws, "config", "core.hooksPath", join(box.root, "evil-hooks"));

  const git = new PlanGit({ workspace: ws, runner: box.runner, emit: box.emit });
  await Deno.writeTextFile(join(ws, "a.txt"), "a\n");
  const commit = await git.commitCoder({ planId: "p", taskId: 1, title: "A", files: ["a.txt"] });
  assert.ok(commit);
  await assert.rejects(Deno.lstat(marker), Deno.errors.NotFound);
});

Deno.test("long or multi-line titles give one-line subjects of at most 72 characters", async () => {
  await using box = await gitSandbox();
  const ws = join(box.root, "p");
  const git = new PlanGit({ workspace: ws, runner: box.runner });
  await Deno.mkdir(ws, { recursive: true });
  await Deno.writeTextFile(join(ws, "a.txt"), "a\n");
  const title = "Implement the\nvery long feature ".repeat(5);
  const commit = await git.commitCoder({ planId: "p", taskId: 3, title, files: ["a.txt"] });
  assert.ok(commit);
  const [subject] = await subjects(box, ws);
  assert.equal(subject, commit.subject);
  assert.equal(subject?.length, 72);
  assert.ok(subject?.startsWith("lao(coder): task #3 Implement the very long feature"));
  assert.ok(subject?.endsWith("..."));
});
