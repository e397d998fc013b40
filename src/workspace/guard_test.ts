import assert from "node:assert/strict";
import { join } from "node:path";
import { WorkspaceGuard } from "./guard.ts";

async function withWs(fn: (g: WorkspaceGuard, ws: string) => Promise<void>) {
  const ws = await Deno.realPath(await Deno.makeTempDir({ prefix: "lao_guard_" }));
  try {
    await fn(await WorkspaceGuard.open(ws), ws);
  } finally {
    await Deno.remove(ws, { recursive: true });
  }
}

Deno.test("WorkspaceGuard writes new files with their folders and reads them back", () =>
  withWs(async (g, ws) => {
    await g.writeText("src/deep/a.ts", "export const a = 1;\n");
    assert.equal(await g.readText("src/deep/a.ts"), "export const a = 1;\n");
    assert.equal(await g.readText(join(ws, "src/deep/a.ts")), "export const a = 1;\n");
    assert.equal(await g.isFile("src/deep/a.ts"), true);
    assert.equal(await g.isFile("src/deep"), false);
    assert.equal(await g.isFile("missing.ts"), false);
  }));

Deno.test("WorkspaceGuard keeps the file mode when it replaces a file", () =>
  withWs(async (g, ws) => {
    await Deno.writeTextFile(join(ws, "run.sh"), "echo a\n", { mode: 0o755 });
    await Deno.chmod(join(ws, "run.sh"), 0o755);
    await g.writeText("run.sh", "echo b\n");
    assert.equal(((await Deno.stat(join(ws, "run.sh"))).mode ?? 0) & 0o777, 0o755);
    assert.deepEqual((await g.walk()).map((e) => e.path), ["run.sh"]);
  }));

Deno.test("WorkspaceGuard.relative() normalises paths to workspace-relative form", () =>
  withWs(async (g, ws) => {
    assert.equal(await g.relative("./a/../b.txt"), "b.txt");
    assert.equal(await g.relative(join(ws, "x", "y.txt")), "x/y.txt");
    assert.equal(await g.relative("."), ".");
  }));

Deno.test("WorkspaceGuard.walk() skips .git and node_modules unless asked, and honours depth", () =>
  withWs(async (g, ws) => {
    await Deno.mkdir(join(ws, ".git"));
    await Deno.mkdir(join(ws, "node_modules", "x"), { recursive: true });
    await Deno.mkdir(join(ws, "src", "lib"), { recursive: true });
    await Deno.writeTextFile(join(ws, "src", "lib", "m.ts"), "x");
    const entries = await g.walk();
    assert.deepEqual(entries.map(({ mtimeMs: _, ...e }) => e), [
      { path: "src", kind: "dir" },
      { path: "src/lib", kind: "dir" },
      { path: "src/lib/m.ts", kind: "file", size: 1 },
    ]);
    assert.equal(typeof entries[2]!.mtimeMs, "number");
    assert.deepEqual((await g.walk({ maxDepth: 1 })).map((e) => e.path), ["src"]);
    const all = (await g.walk({ includeIgnored: true })).map((e) => e.path);
    assert.ok(all.includes(".git") && all.includes("node_modules/x"));
    assert.equal((await g.walk({ limit: 2 })).length, 2);
  }));

Deno.test("WorkspaceGuard refuses to read a missing file or a folder", () =>
  withWs(async (g, ws) => {
    await Deno.mkdir(join(ws, "dir"));
    await assert.rejects(g.readText("nope.txt"), { code: "not_found" });
    await assert.rejects(g.readText("dir"), { code: "not_regular" });
    await assert.rejects(g.writeText("dir", "x"), { code: "not_regular" });
  }));
