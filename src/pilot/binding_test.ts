import assert from "node:assert/strict";
import { join } from "node:path";
import { bindProject } from "./binding.ts";

const env = () => undefined;

async function projectDir(): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "lao_pilot_bind_" }));
  await Deno.writeTextFile(join(dir, "factory.yaml"), "total_ram_gb: 16\n");
  await Deno.mkdir(join(dir, "plans"));
  await Deno.writeTextFile(join(dir, "plans", "auth.md"), "# Auth\n");
  return dir;
}

Deno.test("the pilot's tools work in the project folder (its plans/ visible), not an empty fallback folder", async () => {
  const dir = await projectDir();
  const b = bindProject(dir, { env });
  try {
    assert.equal(b.workspace, dir);
    assert.doesNotMatch(b.workspace, /_misc/);
    assert.ok(Deno.statSync(join(b.workspace, "plans", "auth.md")).isFile);
    assert.ok(b.store, "a project with a config has its queue bound");
  } finally {
    b.store?.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("with --plan the tools work in that plan's workspace; an unknown plan keeps the project folder", async () => {
  const dir = await projectDir();
  const planWs = join(dir, "plans", "auth");
  await Deno.mkdir(planWs);
  const first = bindProject(dir, { env });
  first.store!.registerPlan({
    filename: "auth.md",
    stem: "auth",
    text: "# Auth",
    workspace: planWs,
  });
  first.store!.close();
  const withPlan = bindProject(dir, { env, plan: "auth.md" });
  const unknown = bindProject(dir, { env, plan: "nope" });
  try {
    assert.equal(withPlan.workspace, planWs);
    assert.equal(unknown.workspace, dir);
  } finally {
    withPlan.store?.close();
    unknown.store?.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a folder without a config binds no queue and still works in that folder", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "lao_pilot_bind_" }));
  const b = bindProject(dir, { env });
  try {
    assert.equal(b.configFile, null);
    assert.equal(b.store, undefined);
    assert.equal(b.workspace, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
