import assert from "node:assert/strict";
import { join } from "node:path";
import { WorkspaceError } from "./workspace_fs.ts";
import { readCapped } from "./file_checks.ts";
import { readTextIfExists, type WorkspaceIo, workspaceIo } from "./guarded_io.ts";

interface Box {
  io: WorkspaceIo;
  ws: string;
  outside: string;
  victim: string;
}

async function withBox(fn: (b: Box) => Promise<void>): Promise<void> {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "lao_io_" }));
  const ws = join(base, "ws");
  const outside = join(base, "outside");
  await Deno.mkdir(ws);
  await Deno.mkdir(outside);
  const victim = join(outside, "victim.txt");
  await Deno.writeTextFile(victim, "VICTIM");
  try {
    await fn({ io: workspaceIo(ws), ws, outside, victim });
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

async function refused(promise: Promise<unknown>, code: string): Promise<string> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof WorkspaceError, `expected a "${code}" refusal, got ${err}`);
  assert.equal(err.code, code, err.message);
  assert.ok(!err.message.includes("\n"));
  return err.message;
}

async function names(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

Deno.test("guarded I/O writes files with their folders, reads them back and leaves no temp file", () =>
  withBox(async ({ io, ws }) => {
    assert.deepEqual(await io.writeText("docs/plan/LAO_PLAN.md", "# P\n"), {
      path: "docs/plan/LAO_PLAN.md",
    });
    assert.equal(await io.readText("docs/plan/LAO_PLAN.md"), "# P\n");
    assert.equal(await io.readText("./docs//plan/LAO_PLAN.md"), "# P\n");
    assert.deepEqual(await names(join(ws, "docs", "plan")), ["LAO_PLAN.md"]);
    assert.equal(await io.exists("docs/plan/LAO_PLAN.md"), true);
    assert.equal(await io.exists("missing/x"), false);
    assert.equal(await readTextIfExists(io, "missing.txt"), null);
  }));

Deno.test("guarded I/O appends to LAO's own file and keeps its mode", () =>
  withBox(async ({ io, ws }) => {
    await io.appendText("LAO_REVIEW.log", "one\n");
    await Deno.chmod(join(ws, "LAO_REVIEW.log"), 0o640);
    assert.deepEqual(await io.appendText("LAO_REVIEW.log", "two\n"), { path: "LAO_REVIEW.log" });
    assert.equal(await Deno.readTextFile(join(ws, "LAO_REVIEW.log")), "one\ntwo\n");
    assert.equal((await Deno.stat(join(ws, "LAO_REVIEW.log"))).mode! & 0o777, 0o640);
  }));

Deno.test("guarded I/O replaces a planted symlink or hard link instead of writing through it", () =>
  withBox(async ({ io, ws, victim }) => {
    await Deno.symlink(victim, join(ws, "a.log"));
    await Deno.link(victim, join(ws, "b.log"));
    await Deno.symlink(join(ws, "..", "outside", "new.txt"), join(ws, "c.log"));
    assert.deepEqual(await io.appendText("a.log", "x\n"), { path: "a.log", replaced: "a symlink" });
    assert.deepEqual(await io.appendText("b.log", "x\n"), {
      path: "b.log",
      replaced: "a hard link",
    });
    assert.equal((await io.writeText("c.log", "x\n")).replaced, "a symlink");
    assert.equal(await Deno.readTextFile(victim), "VICTIM");
    for (const f of ["a.log", "b.log", "c.log"]) {
      const info = await Deno.lstat(join(ws, f));
      assert.ok(info.isFile && info.nlink === 1);
      assert.equal(await io.readText(f), "x\n");
    }
    assert.deepEqual(await names(join(ws, "..", "outside")), ["victim.txt"]);
  }));

Deno.test("guarded I/O never reads through a symlink, a hard link, a FIFO or /dev/zero", () =>
  withBox(async ({ io, ws, victim }) => {
    await Deno.symlink(victim, join(ws, "sym"));
    await Deno.link(victim, join(ws, "hard"));
    await Deno.symlink("/dev/zero", join(ws, "zero"));
    const fifo = await new Deno.Command("sh", { args: ["-c", 'mkfifo "$0"', join(ws, "fifo")] })
      .output();
    assert.ok(fifo.success);
    assert.match(await refused(io.readText("sym"), "linked"), /symlink/);
    assert.match(await refused(io.readText("hard"), "linked"), /hard link/);
    await refused(io.readText("zero"), "linked");
    assert.match(await refused(io.readText("fifo"), "not_regular"), /FIFO/);
    assert.equal((await io.writeText("fifo", "ok")).replaced, "a FIFO");
    assert.equal(await io.readText("fifo"), "ok");
  }));

Deno.test("guarded I/O refuses a symlinked folder on the way, for reads and writes alike", () =>
  withBox(async ({ io, ws, outside }) => {
    await Deno.symlink(outside, join(ws, "docs"));
    await Deno.mkdir(join(ws, "real"));
    await Deno.symlink(outside, join(ws, "real", "deeper"));
    assert.match(await refused(io.writeText("docs/x.md", "x"), "linked"), /"docs" is a symlink/);
    await refused(io.writeText("real/deeper/new/x.md", "x"), "linked");
    await refused(io.readText("docs/victim.txt"), "linked");
    await refused(io.appendText("docs/victim.txt", "x"), "linked");
    await refused(io.remove("docs/victim.txt"), "linked");
    assert.deepEqual(await names(outside), ["victim.txt"]);
    assert.equal(await Deno.readTextFile(join(outside, "victim.txt")), "VICTIM");
  }));

Deno.test("guarded I/O refuses paths that leave the workspace and folders as targets", () =>
  withBox(async ({ io, ws, victim }) => {
    await refused(io.writeText("../outside/victim.txt", "x"), "invalid");
    await refused(io.readText(victim), "invalid");
    await refused(io.writeText("", "x"), "invalid");
    await refused(io.writeText("a\0b", "x"), "invalid");
    await Deno.mkdir(join(ws, "dir"));
    await refused(io.writeText("dir", "x"), "not_regular");
    await refused(io.readText("dir"), "not_regular");
    await refused(io.readText("missing/file"), "not_found");
    assert.equal(await Deno.readTextFile(victim), "VICTIM");
  }));

Deno.test("guarded I/O caps reads: an oversized file is refused, also on append", () =>
  withBox(async ({ io, ws }) => {
    await Deno.writeTextFile(join(ws, "big.log"), "x".repeat(2000));
    assert.match(await refused(io.readText("big.log", { maxBytes: 1000 }), "too_large"), /1000/);
    await refused(io.appendText("big.log", "y", { maxBytes: 1000 }), "too_large");
    assert.equal((await Deno.stat(join(ws, "big.log"))).size, 2000);
    await Deno.writeFile(join(ws, "bin"), new Uint8Array([0xff, 0xfe]));
    await refused(io.readText("bin"), "binary");
  }));

Deno.test("readCapped() stops at the cap however long the file is", async () => {
  const path = await Deno.makeTempFile({ prefix: "lao_cap_" });
  try {
    await Deno.writeTextFile(path, "y".repeat(50_000));
    using file = await Deno.open(path);
    assert.equal((await readCapped(file, 10_001, 0)).length, 10_001);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("guarded I/O removes a planted link itself, never its target", () =>
  withBox(async ({ io, ws, victim }) => {
    await Deno.symlink(victim, join(ws, "link"));
    await io.remove("link");
    await io.remove("link");
    await io.remove("missing/deep");
    assert.equal(await io.exists("link"), false);
    assert.equal(await Deno.readTextFile(victim), "VICTIM");
  }));
