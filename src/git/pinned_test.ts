import assert from "node:assert/strict";
import { join } from "node:path";
import { gitSandbox } from "../../tests/git/_helpers.ts";
import { openRepo, userSettings } from "./pinned.ts";

Deno.test("userSettings takes the last identity value and expands an excludes file under ~", async () => {
  await using sb = await gitSandbox();
  const ws = join(sb.root, "ws");
  await Deno.mkdir(ws);
  await sb.git(ws, "init", "-q");
  await sb.git(ws, "config", "--add", "user.name", "First Name");
  await sb.git(ws, "config", "--add", "user.name", "Second Name");
  await sb.git(ws, "config", "core.excludesFile", "~/ignore-these");
  const opened = await openRepo(ws, sb.runner);
  assert.ok(opened.ok && opened.layout);
  const settings = await userSettings(sb.runner, opened.layout);
  assert.deepEqual(settings.identity, {
    "user.name": "Second Name",
    "user.email": "test@example.com",
  });
  assert.equal(settings.fallback, false);
  assert.deepEqual(settings.config, { "core.excludesFile": join(sb.env.HOME!, "ignore-these") });
});

Deno.test("userSettings falls back to LAO's identity when none is configured", async () => {
  await using sb = await gitSandbox({ identity: false });
  const ws = join(sb.root, "ws");
  await Deno.mkdir(ws);
  await sb.git(ws, "init", "-q");
  await sb.git(ws, "config", "user.email", "only@example.com");
  const opened = await openRepo(ws, sb.runner);
  assert.ok(opened.ok && opened.layout);
  const settings = await userSettings(sb.runner, opened.layout);
  assert.deepEqual(settings.identity, { "user.name": "LAO", "user.email": "only@example.com" });
  assert.equal(settings.fallback, true);
  assert.deepEqual(settings.config, {});
});
