import assert from "node:assert/strict";
import { join } from "node:path";
import { PlanGit } from "../../src/git/commits.ts";
import { IDENTITY_HINT, prepareRepo } from "../../src/git/repo.ts";
import { GitRunner } from "../../src/git/runner.ts";
import { filesIn, gitSandbox, subjects, warnings } from "./_helpers.ts";

Deno.test("an existing repository is reused without a nested .git or a new .gitignore", async () => {
  await using box = await gitSandbox();
  const ws = join(box.root, "cloned");
  await Deno.mkdir(ws);
  await box.git(ws, "init", "-q");
  await Deno.writeTextFile(join(ws, "README.md"), "hi\n");
  await box.git(ws, "add", "README.md");
  await box.git(ws, "commit", "-q", "-m", "initial");

  const git = new PlanGit({ workspace: ws, runner: box.runner, emit: box.emit });
  await git.commitArchitect({ planId: "p", stem: "cloned", tasks: [] });
  assert.deepEqual(await subjects(box, ws), [
    "lao(architect): decompose plan cloned into 0 tasks",
    "initial",
  ]);
  await assert.rejects(Deno.lstat(join(ws, ".gitignore")), Deno.errors.NotFound);
});

Deno.test("a workspace inside a parent repository commits in the parent and only its own paths", async () => {
  await using box = await gitSandbox();
  const parent = join(box.root, "project");
  const ws = join(parent, "plans", "todo");
  await Deno.mkdir(ws, { recursive: true });
  await box.git(parent, "init", "-q");
  await Deno.writeTextFile(join(parent, "app.txt"), "v1\n");
  await box.git(parent, "add", "app.txt");
  await box.git(parent, "commit", "-q", "-m", "initial");
  await box.git(parent, "checkout", "-q", "-b", "feature");
  await Deno.writeTextFile(join(parent, "app.txt"), "v2 (user's work in progress)\n");
  await Deno.writeTextFile(join(parent, "staged.txt"), "staged\n");
  await box.git(parent, "add", "staged.txt");

  const git = new PlanGit({ workspace: ws, runner: box.runner, emit: box.emit });
  const info = await prepareRepo(ws, { runner: box.runner });
  assert.equal(info?.prefix, "plans/todo/");
  await git.commitPlanSnapshot("# Todo\n", {
    sourceFile: "todo.md",
    stem: "todo",
    planId: "p",
    version: "1",
  });
  await Deno.writeTextFile(join(ws, "main.py"), "print(1)\n");
  await git.commitCoder({ planId: "p", taskId: 1, title: "Main", files: ["main.py"] });

  await assert.rejects(Deno.lstat(join(ws, ".git")), Deno.errors.NotFound);
  assert.equal((await box.git(parent, "branch", "--show-current")).trim(), "feature");
  assert.deepEqual(await filesIn(box, parent), ["plans/todo/main.py"]);
  assert.deepEqual(await filesIn(box, parent, "HEAD~1"), ["plans/todo/LAO_PLAN.md"]);
  const status = await box.git(parent, "status", "--porcelain");
  assert.match(status, /^ M app\.txt$/m);
  assert.match(status, /^A {2}staged\.txt$/m);
  assert.deepEqual(warnings(box), []);
});

Deno.test("a repository LAO creates starts on the user's default branch, with no template files", async () => {
  await using box = await gitSandbox();
  await Deno.writeTextFile(
    join(box.env.HOME!, ".gitconfig"),
    "[init]\n\tdefaultBranch = trunk\n[user]\n\tname = Ada\n\temail = ada@example.com\n",
  );
  const ws = join(box.root, "fresh");
  const git = new PlanGit({ workspace: ws, runner: box.runner, emit: box.emit });
  assert.ok(await git.commitArchitect({ planId: "p", stem: "fresh", tasks: [] }));
  for (const made of ["hooks", "description", "info"]) {
    await assert.rejects(Deno.lstat(join(ws, ".git", made)), Deno.errors.NotFound, made);
  }
  assert.deepEqual(await subjects(box, ws), ["lao(architect): decompose plan fresh into 0 tasks"]);
  assert.equal((await box.git(ws, "symbolic-ref", "HEAD")).trim(), "refs/heads/trunk");
  assert.equal(
    (await box.git(ws, "log", "-1", "--format=%an <%ae>")).trim(),
    "Ada <ada@example.com>",
  );
});

Deno.test("missing identity gives a hint once and commits still happen as LAO", async () => {
  await using box = await gitSandbox({ identity: false });
  const shownHints = new Set<string>();
  for (const name of ["a", "b"]) {
    const ws = join(box.root, name);
    const git = new PlanGit({ workspace: ws, runner: box.runner, emit: box.emit, shownHints });
    await Deno.mkdir(ws, { recursive: true });
    await Deno.writeTextFile(join(ws, "f.txt"), "x\n");
    assert.ok(await git.commitCoder({ planId: "p", taskId: 1, title: "F", files: ["f.txt"] }));
    await git.commitReview({ planId: "p", taskId: 1, title: "F", verdict: "approved" });
    assert.equal(
      (await box.git(ws, "log", "-1", "--format=%an <%ae>")).trim(),
      "LAO <lao@localhost>",
    );
    assert.equal((await subjects(box, ws)).length, 2);
  }
  assert.deepEqual(warnings(box), [IDENTITY_HINT]);
  assert.match(IDENTITY_HINT, /LAO <lao@localhost>/);
});

Deno.test("a missing git program gives a single warning and no commits", async () => {
  await using box = await gitSandbox();
  const runner = new GitRunner({
    hooksDir: join(box.root, "hooks"),
    env: { ...box.env },
    program: "lao-no-such-git",
  });
  for (const name of ["a", "b"]) {
    const git = new PlanGit({ workspace: join(box.root, name), runner, emit: box.emit });
    const made = await git.commitArchitect({ planId: "p", stem: name, tasks: [] });
    assert.equal(made, null);
  }
  const warned = warnings(box);
  assert.equal(warned.length, 1);
  assert.match(warned[0] ?? "", /Cannot run "lao-no-such-git": not found on PATH/);
});

Deno.test("git is not run when the hooks folder is not empty", async () => {
  await using box = await gitSandbox();
  const hooksDir = join(box.root, "hooks");
  await Deno.mkdir(hooksDir);
  await Deno.writeTextFile(join(hooksDir, "post-commit"), "#!/bin/sh\n");
  const runner = new GitRunner({ hooksDir, env: box.env });
  const result = await runner.run(["--version"], { cwd: box.root });
  assert.equal(result.ok, false);
  assert.match(result.error, /must be empty but contains "post-commit"/);
});
