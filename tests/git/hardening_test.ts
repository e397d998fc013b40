import assert from "node:assert/strict";
import { join } from "node:path";
import { PlanGit } from "../../src/git/commits.ts";
import { parseConfigList, refusedKey, watchedKey } from "../../src/git/config_guard.ts";
import { findLayout, pinOf } from "../../src/git/layout.ts";
import { gitSandbox, subjects, warnings } from "./_helpers.ts";

Deno.test("config keys: attribute drivers, includes and hooks are refused; fixed-name programs watched", () => {
  for (
    const key of ["filter.x.clean", "include.path", "includeif.gitdir:/.path", "hook.a.command"]
  ) {
    assert.ok(refusedKey(key), key);
  }
  for (const key of ["diff.x.textconv", "diff.x.command", "diff.external", "merge.x.driver"]) {
    assert.ok(refusedKey(key), key);
  }
  for (const key of ["diff.renames", "merge.ff", "core.autocrlf", "user.name", "remote.o.url"]) {
    assert.ok(!refusedKey(key) && !watchedKey(key), key);
  }
  for (const key of ["core.hookspath", "core.fsmonitor", "gpg.program", "commit.gpgsign"]) {
    assert.ok(watchedKey(key), key);
  }
  assert.deepEqual(parseConfigList("a.b\n1\0filter.x.required\0"), [
    ["a.b", "1"],
    ["filter.x.required", ""],
  ]);
});

Deno.test("LAO's git is immune to planted fixed-name programs even without the config check", async () => {
  await using box = await gitSandbox();
  const ws = join(box.root, "ws");
  await Deno.mkdir(ws);
  await box.git(ws, "init", "-q");
  const marker = join(box.root, "ran");
  const script = join(box.root, "evil.sh");
  await Deno.writeTextFile(script, `#!/bin/sh\necho ran >> '${marker}'\n`);
  await Deno.chmod(script, 0o755);
  const hooks = join(ws, "hooks");
  await Deno.mkdir(hooks);
  await Deno.writeTextFile(join(hooks, "post-commit"), `#!/bin/sh\n${script}\n`);
  await Deno.chmod(join(hooks, "post-commit"), 0o755);
  await Deno.writeTextFile(
    join(ws, ".git", "config"),
    `[core]\n\tfsmonitor = ${script}\n\thooksPath = ${hooks}\n\teditor = ${script}\n` +
      `[commit]\n\tgpgsign = true\n[gpg]\n\tprogram = ${script}\n`,
    { append: true },
  );
  const found = await findLayout(ws, box.runner);
  assert.ok(found.ok && found.layout);
  const pin = pinOf(found.layout);
  await Deno.writeTextFile(join(ws, "a.txt"), "a\n");
  const identity = { "user.name": "T", "user.email": "t@x" };
  for (const args of [["add", "a.txt"], ["commit", "-q", "-m", "one"], ["status"], ["log"]]) {
    const r = await box.runner.run(args, { cwd: ws, pin, config: identity });
    assert.ok(r.ok, r.error);
  }
  await assert.rejects(Deno.lstat(marker), Deno.errors.NotFound);
  assert.equal((await box.git(ws, "log", "--format=%G?")).trim(), "N");
});

Deno.test("a user's repository with its own hooksPath (husky) is used, and its hooks never run", async () => {
  await using box = await gitSandbox();
  const ws = join(box.root, "app");
  await Deno.mkdir(join(ws, ".husky"), { recursive: true });
  await box.git(ws, "init", "-q");
  await Deno.writeTextFile(join(ws, ".husky", "pre-commit"), "#!/bin/sh\nexit 1\n");
  await Deno.chmod(join(ws, ".husky", "pre-commit"), 0o755);
  await box.git(ws, "config", "core.hooksPath", ".husky");
  const git = new PlanGit({ workspace: ws, runner: box.runner, emit: box.emit });
  await Deno.writeTextFile(join(ws, "a.py"), "a\n");
  assert.ok(await git.commitCoder({ planId: "p", taskId: 1, title: "A", files: ["a.py"] }));
  assert.deepEqual(warnings(box), []);
});

Deno.test("a repository whose own config defines a filter driver is refused in one line from the start", async () => {
  await using box = await gitSandbox();
  const ws = join(box.root, "lfs");
  await Deno.mkdir(ws);
  await box.git(ws, "init", "-q");
  await box.git(ws, "config", "filter.lfs.clean", "git-lfs clean -- %f");
  const git = new PlanGit({ workspace: ws, runner: box.runner, emit: box.emit });
  await Deno.writeTextFile(join(ws, "a.py"), "a\n");
  assert.equal(
    await git.commitCoder({ planId: "p", taskId: 1, title: "A", files: ["a.py"] }),
    null,
  );
  assert.deepEqual(warnings(box), [
    "Refusing to run git for this workspace: .git/config defines filter.lfs.clean",
  ]);
});

Deno.test("a linked worktree (a .git file) made by the user is used", async () => {
  await using box = await gitSandbox();
  const main = join(box.root, "main");
  await Deno.mkdir(main);
  await box.git(main, "init", "-q");
  await Deno.writeTextFile(join(main, "r.md"), "r\n");
  await box.git(main, "add", "r.md");
  await box.git(main, "commit", "-q", "-m", "initial");
  const wt = join(box.root, "wt");
  await box.git(main, "worktree", "add", "-q", "-b", "lao", wt);
  const git = new PlanGit({ workspace: wt, runner: box.runner, emit: box.emit });
  await Deno.writeTextFile(join(wt, "a.py"), "a\n");
  assert.ok(await git.commitCoder({ planId: "p", taskId: 1, title: "A", files: ["a.py"] }));
  assert.deepEqual(warnings(box), []);
  assert.equal((await subjects(box, wt))[0], "lao(coder): task #1 A");
});
