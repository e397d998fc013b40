/**
 * Red team: LAO's own git must never run a program the sandboxed shell could
 * plant. Each case writes repository metadata exactly as a shell confined to
 * the workspace could (plain file writes into the workspace and its `.git`),
 * then drives LAO's real git code paths (commit, review, undo, log) and
 * checks that the attacker's script never ran, that nothing outside the
 * workspace changed, and that LAO reported the tamper in one line.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { PlanGit } from "../../src/git/commits.ts";
import { planLog } from "../../src/git/log.ts";
import { type GitSandbox, gitSandbox, warnings } from "../git/_helpers.ts";

/** The prepared scene: a LAO workspace with history, an outside folder and an attack script. */
interface Scene {
  box: GitSandbox;
  /** The plan workspace. */
  ws: string;
  /** The folder holding the workspace's repository (the workspace or its parent). */
  top: string;
  /** A folder outside the workspace (must stay unchanged). */
  outside: string;
  /** Where the attack script writes when it runs. */
  marker: string;
  /** The attack script (writes the marker, then copies stdin to stdout like a filter). */
  script: string;
  /** A second repository outside the workspace, prepared by the attacker. */
  evil: string;
  git: PlanGit;
}

async function scene(box: GitSandbox, layout: "own" | "parent" = "own"): Promise<Scene> {
  const outside = join(box.root, "outside");
  await Deno.mkdir(outside);
  await Deno.writeTextFile(join(outside, "secret.txt"), "SECRET");
  const marker = join(outside, "pwned");
  const script = join(box.root, "attack.sh");
  await Deno.writeTextFile(script, `#!/bin/sh\necho "ran $*" >> '${marker}'\ncat\n`);
  await Deno.chmod(script, 0o755);
  const top = layout === "own" ? join(box.root, "todo") : join(box.root, "project");
  const ws = layout === "own" ? top : join(top, "plans", "todo");
  await Deno.mkdir(ws, { recursive: true });
  if (layout === "parent") {
    await box.git(top, "init", "-q");
    await Deno.writeTextFile(join(top, "README.md"), "the user's project\n");
    await box.git(top, "add", "README.md");
    await box.git(top, "commit", "-q", "-m", "initial");
  }
  const git = new PlanGit({ workspace: ws, runner: box.runner, emit: box.emit });
  await git.commitPlanSnapshot("# Todo\n", {
    sourceFile: "todo.md",
    stem: "todo",
    planId: "p",
    version: "1",
  });
  await Deno.writeTextFile(join(ws, "app.py"), "print(1)\n");
  assert.ok(await git.commitCoder({ planId: "p", taskId: 1, title: "App", files: ["app.py"] }));
  const evil = join(box.root, "evil");
  await Deno.mkdir(evil);
  await box.git(evil, "init", "-q");
  await Deno.writeTextFile(join(evil, ".git", "config"), filterConfig(script), { append: true });
  await Deno.writeTextFile(join(evil, ".git", "hooks", "post-commit"), `#!/bin/sh\n${script}\n`);
  await Deno.chmod(join(evil, ".git", "hooks", "post-commit"), 0o755);
  assert.deepEqual(warnings(box), []);
  return { box, ws, top, outside, marker, script, evil, git };
}

function filterConfig(script: string): string {
  return `[filter "x"]\n\tclean = ${script}\n\tsmudge = ${script}\n\trequired = true\n`;
}

async function listing(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    names.push(`${e.name}:${await Deno.readTextFile(join(dir, e.name))}`);
  }
  return names.sort();
}

/**
 * Runs LAO's git operations after the plant and checks the outcome: no
 * marker, the outside unchanged, the commit skipped and a one-line report
 * matching `reported`.
 */
async function assertHeld(s: Scene, reported: RegExp): Promise<void> {
  const before = await listing(s.outside);
  await Deno.writeTextFile(join(s.ws, "lib.py"), "x = 1\n");
  const coder = await s.git.commitCoder({
    planId: "p",
    taskId: 2,
    title: "Lib",
    files: ["lib.py", "app.py", ".gitattributes"],
  });
  const review = await s.git.commitReview({
    planId: "p",
    taskId: 2,
    title: "Lib",
    verdict: "approved",
  });
  const undo = await s.git.undoTask(1);
  const problems: string[] = [];
  const entries = await planLog(s.ws, { runner: s.box.runner, warn: (m) => problems.push(m) });

  await assert.rejects(Deno.lstat(s.marker), Deno.errors.NotFound, "the attack script ran");
  assert.deepEqual(await listing(s.outside), before);
  assert.equal(coder, null, "the coder commit was made in a tampered repository");
  assert.equal(review, null, "the review commit was made in a tampered repository");
  assert.equal(undo.ok, false, "undo ran in a tampered repository");
  assert.deepEqual(entries, []);
  const said = [...warnings(s.box), undo.ok ? "" : undo.message, ...problems];
  for (const line of said) {
    assert.ok(!line.includes("\n"), `not one line: ${JSON.stringify(line)}`);
    assert.doesNotMatch(line, /\bat .*\.ts:\d+/, "a stack trace reached the user");
  }
  assert.ok(said.length >= 4, `every operation reports: ${JSON.stringify(said)}`);
  for (const line of said) assert.match(line, reported);
}

Deno.test("red team git: .git/commondir pointing at a repository with a filter and hooks", async () => {
  await using box = await gitSandbox();
  const s = await scene(box);
  await Deno.writeTextFile(join(s.ws, ".gitattributes"), "* filter=x\n");
  await Deno.writeTextFile(join(s.ws, ".git", "commondir"), join(s.evil, ".git") + "\n");
  await assertHeld(s, /commondir/);
});

Deno.test("red team git: a .git file redirecting to another repository", async () => {
  await using box = await gitSandbox();
  const s = await scene(box);
  await Deno.writeTextFile(join(s.ws, ".gitattributes"), "* filter=x\n");
  await Deno.rename(join(s.ws, ".git"), join(s.ws, ".git-moved"));
  await Deno.writeTextFile(join(s.ws, ".git"), `gitdir: ${join(s.evil, ".git")}\n`);
  await assertHeld(s, /\.git/);
});

Deno.test("red team git: .git replaced by a symlink to another repository", async () => {
  await using box = await gitSandbox();
  const s = await scene(box);
  await Deno.writeTextFile(join(s.ws, ".gitattributes"), "* filter=x\n");
  await Deno.rename(join(s.ws, ".git"), join(s.ws, ".git-moved"));
  await Deno.symlink(join(s.evil, ".git"), join(s.ws, ".git"));
  await assertHeld(s, /\.git/);
});

Deno.test("red team git: objects/info/alternates borrowing another repository's objects", async () => {
  await using box = await gitSandbox();
  const s = await scene(box);
  await Deno.mkdir(join(s.ws, ".git", "objects", "info"), { recursive: true });
  await Deno.writeTextFile(
    join(s.ws, ".git", "objects", "info", "alternates"),
    join(s.evil, ".git", "objects") + "\n",
  );
  await assertHeld(s, /alternates/);
});

Deno.test("red team git: a .gitattributes filter driver defined in .git/config", async () => {
  await using box = await gitSandbox();
  const s = await scene(box);
  await Deno.writeTextFile(join(s.ws, ".gitattributes"), "* filter=x\n");
  await Deno.writeTextFile(join(s.ws, ".git", "config"), filterConfig(s.script), { append: true });
  await assertHeld(s, /filter\.x\./);
});

Deno.test("red team git: textconv, a diff driver command and diff.external", async () => {
  await using box = await gitSandbox();
  const s = await scene(box);
  await Deno.writeTextFile(join(s.ws, ".gitattributes"), "* diff=x merge=x\n");
  await Deno.writeTextFile(
    join(s.ws, ".git", "config"),
    `[diff "x"]\n\ttextconv = ${s.script}\n\tcommand = ${s.script}\n` +
      `[diff]\n\texternal = ${s.script}\n[merge "x"]\n\tdriver = ${s.script} %O %A %B\n`,
    { append: true },
  );
  await assertHeld(s, /diff\.x\.textconv|diff\.external|merge\.x\.driver/);
});

Deno.test("red team git: gpg.program with commit.gpgsign", async () => {
  await using box = await gitSandbox();
  const s = await scene(box);
  await Deno.writeTextFile(
    join(s.ws, ".git", "config"),
    `[commit]\n\tgpgsign = true\n[gpg]\n\tprogram = ${s.script}\n` +
      `[log]\n\tshowSignature = true\n`,
    { append: true },
  );
  await assertHeld(s, /gpg|gpgsign/);
});

Deno.test("red team git: core.fsmonitor and core.hooksPath planted in .git/config", async () => {
  await using box = await gitSandbox();
  const s = await scene(box);
  const hooks = join(s.ws, "hooks");
  await Deno.mkdir(hooks);
  for (const hook of ["post-commit", "pre-commit", "reference-transaction", "post-checkout"]) {
    await Deno.writeTextFile(join(hooks, hook), `#!/bin/sh\n${s.script}\n`);
    await Deno.chmod(join(hooks, hook), 0o755);
  }
  await Deno.writeTextFile(
    join(s.ws, ".git", "config"),
    `[core]\n\tfsmonitor = ${s.script}\n\thooksPath = ${hooks}\n`,
    { append: true },
  );
  await assertHeld(s, /core\.fsmonitor|core\.hookspath/i);
});

Deno.test("red team git: include.path pulling in a file that defines a filter", async () => {
  await using box = await gitSandbox();
  const s = await scene(box);
  await Deno.writeTextFile(join(s.ws, ".gitattributes"), "* filter=x\n");
  await Deno.writeTextFile(join(s.ws, "included.cfg"), filterConfig(s.script));
  await Deno.writeTextFile(
    join(s.ws, ".git", "config"),
    `[include]\n\tpath = ${join(s.ws, "included.cfg")}\n` +
      `[includeIf "gitdir:/"]\n\tpath = ${join(s.ws, "included.cfg")}\n`,
    { append: true },
  );
  await assertHeld(s, /include/);
});

Deno.test("red team git: core.worktree pointing outside the workspace", async () => {
  await using box = await gitSandbox();
  const s = await scene(box);
  await Deno.writeTextFile(
    join(s.ws, ".git", "config"),
    `[core]\n\tworktree = ${s.outside}\n`,
    { append: true },
  );
  await assertHeld(s, /core\.worktree/);
});

Deno.test("red team git: .git/config replaced by a link to /dev/zero does not hang LAO", async () => {
  await using box = await gitSandbox();
  const s = await scene(box);
  await Deno.remove(join(s.ws, ".git", "config"));
  await Deno.symlink("/dev/zero", join(s.ws, ".git", "config"));
  await assertHeld(s, /config/);
});

Deno.test("red team git: git init plus a filter inside a workspace whose repository is a parent folder", async () => {
  await using box = await gitSandbox();
  const s = await scene(box, "parent");
  const headBefore = await box.git(s.top, "rev-parse", "HEAD");
  await box.git(s.ws, "init", "-q");
  await Deno.writeTextFile(join(s.ws, ".gitattributes"), "* filter=x\n");
  await Deno.writeTextFile(join(s.ws, ".git", "config"), filterConfig(s.script), { append: true });
  await assertHeld(s, /plans\/todo\/\.git|\.git/);
  assert.equal(await box.git(s.top, "rev-parse", "HEAD"), headBefore);
});

Deno.test("red team git: an empty placeholder .git in a parent-repository workspace is harmless", async () => {
  await using box = await gitSandbox();
  const s = await scene(box, "parent");
  await Deno.mkdir(join(s.ws, ".git"));
  await Deno.writeTextFile(join(s.ws, "lib.py"), "x = 1\n");
  const made = await s.git.commitCoder({ planId: "p", taskId: 2, title: "Lib", files: ["lib.py"] });
  assert.ok(made, JSON.stringify(warnings(box)));
  assert.deepEqual(
    (await box.git(s.top, "show", "--name-only", "--format=", "HEAD")).trim(),
    "plans/todo/lib.py",
  );
  assert.deepEqual(warnings(box), []);
});

Deno.test("red team git: a fresh LAO process refuses a repository tampered before it started", async () => {
  await using box = await gitSandbox();
  const s = await scene(box);
  await Deno.writeTextFile(join(s.ws, ".gitattributes"), "* filter=x\n");
  await Deno.writeTextFile(join(s.ws, ".git", "commondir"), join(s.evil, ".git") + "\n");
  // A later `lao run`/`lao undo`: a new PlanGit meets the repository for the first time.
  s.git = new PlanGit({ workspace: s.ws, runner: box.runner, emit: box.emit });
  await assertHeld(s, /commondir/);
});
