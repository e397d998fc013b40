import assert from "node:assert/strict";
import { join } from "node:path";
import { gitSandbox } from "../../tests/git/_helpers.ts";

Deno.test("a caller's -c settings pass through but never replace the fixed ones or the hooks folder", async () => {
  await using sb = await gitSandbox();
  const ws = join(sb.root, "ws");
  await Deno.mkdir(ws);
  await sb.git(ws, "init", "-q");
  const pin = { gitDir: join(ws, ".git"), commonDir: join(ws, ".git"), workTree: ws };
  const config = {
    "core.hooksPath": join(sb.root, "planted-hooks"),
    "core.fsmonitor": "/bin/sh",
    "user.name": "Caller",
  };
  const get = async (key: string) => {
    const out = await sb.runner.run(["config", "--get", key], { cwd: ws, pin, config });
    assert.ok(out.ok, out.error);
    return out.stdout.trim();
  };
  assert.equal(await get("core.hooksPath"), sb.runner.hooksDir);
  assert.equal(await get("core.fsmonitor"), "false");
  assert.equal(await get("user.name"), "Caller");
  // Twice through the same runner: what it builds once stays the same.
  assert.equal(await get("core.hooksPath"), sb.runner.hooksDir);
});
