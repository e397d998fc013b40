import assert from "node:assert/strict";
import { join } from "node:path";
import { Store } from "../store/store.ts";
import { ProjectRegistry, registryPath } from "./registry.ts";

async function tempHome(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "lao_reg_" });
}

async function project(root: string, name: string, kind: "config" | "plans" | "db" | "empty") {
  const dir = join(root, name);
  await Deno.mkdir(dir, { recursive: true });
  if (kind === "config") await Deno.writeTextFile(join(dir, "factory.yaml"), "total_ram_gb: 16\n");
  if (kind === "plans") {
    await Deno.mkdir(join(dir, "plans"));
    await Deno.writeTextFile(join(dir, "plans", "a.md"), "# A\n");
  }
  if (kind === "db") Store.open(join(dir, ".lao", "state.db")).close();
  return await Deno.realPath(dir);
}

/** A project whose database holds `pending` pending and `failed` failed tasks. */
async function projectWithTasks(root: string, name: string, pending: number, failed: number) {
  const dir = await project(root, name, "config");
  const store = Store.open(join(dir, ".lao", "state.db"));
  const { plan } = store.registerPlan({ filename: "p.md", stem: "p", text: `# ${name}` });
  const n = pending + failed;
  const ids = store.insertTasks(
    plan.id,
    Array.from({ length: n }, (_, i) => ({
      title: `t${i}`,
      description: "d",
      file_paths: [],
      dependsOn: [],
    })),
    1,
  );
  for (const id of ids.slice(0, failed)) {
    store.db.prepare(`UPDATE tasks SET status = 'failed' WHERE id = ?`).run(id);
  }
  store.close();
  return dir;
}

Deno.test("an empty registry lists nothing and needs no action", async () => {
  const home = await tempHome();
  const reg = await ProjectRegistry.open(registryPath(home));
  assert.deepEqual(reg.list(), []);
  assert.deepEqual(reg.needsAction(), []);
  assert.deepEqual(reg.warnings, []);
});

Deno.test("add is idempotent, keeps tags, resolves the path and persists across instances", async () => {
  const home = await tempHome();
  const dir = await project(home, "alpha", "config");
  const reg = await ProjectRegistry.open(registryPath(home));
  const e = reg.add(join(home, "alpha", "..", "alpha"), ["web"]);
  reg.add(dir, ["api"]);
  assert.equal(reg.list().length, 1);
  assert.equal(e.path, dir);
  assert.equal(e.name, "alpha");
  assert.equal(e.has_config, true);
  assert.deepEqual(e.tags, ["web", "api"]);
  assert.match(e.last_used, /^\d{4}-\d\d-\d\dT/);
  await reg.save();
  const again = await ProjectRegistry.open(registryPath(home));
  assert.equal(again.get("alpha")?.path, dir);
  assert.equal(again.get(dir)?.name, "alpha");
  assert.equal(again.get("nope"), undefined);
});

Deno.test("remove by name and by path; unknown is false", async () => {
  const home = await tempHome();
  const a = await project(home, "a", "config");
  await project(home, "b", "config");
  const reg = await ProjectRegistry.open(registryPath(home));
  reg.add(a);
  reg.add(join(home, "b"));
  assert.equal(reg.remove("b"), true);
  assert.equal(reg.remove(a), true);
  assert.equal(reg.remove("zzz"), false);
  assert.deepEqual(reg.list(), []);
});

Deno.test("scan finds projects by config, by plans, by state.db; skips empty, hidden and too deep", async () => {
  const home = await tempHome();
  const root = join(home, "code");
  await project(root, "by_config", "config");
  await project(root, "by_plans", "plans");
  await project(root, "by_db", "db");
  await project(root, "empty", "empty");
  await project(root, ".hidden/inner", "config");
  await project(root, "node_modules/pkg", "config");
  await project(root, "a/b/c/d/too_deep", "config");
  await project(root, "x/y/deep_ok", "config");
  const reg = await ProjectRegistry.open(registryPath(home));
  const found = reg.scan(root).map((p) => p.name).sort();
  assert.deepEqual(found, ["by_config", "by_db", "by_plans", "deep_ok"]);
});

Deno.test("task counts come from each project's own database and needs-action ranks them", async () => {
  const home = await tempHome();
  const busy = await projectWithTasks(home, "busy", 2, 1);
  await project(home, "planned", "plans");
  await projectWithTasks(home, "idle", 0, 0);
  const reg = await ProjectRegistry.open(registryPath(home));
  reg.scan(home);
  const e = reg.get("busy")!;
  assert.equal(e.path, busy);
  assert.equal(e.pending_tasks, 2);
  assert.equal(e.failed_tasks, 1);
  const actions = reg.needsAction().map((a) => [a.project.name, a.reason]);
  assert.deepEqual(actions, [
    ["busy", "2 pending, 1 failed"],
    ["planned", "plans but no factory.yaml (run lao init)"],
  ]);
});

Deno.test("the project database is opened read-only: counting never migrates or writes it", async () => {
  const home = await tempHome();
  const dir = await projectWithTasks(home, "p", 1, 0);
  const db = join(dir, ".lao", "state.db");
  const before = await Deno.readFile(db);
  const reg = await ProjectRegistry.open(registryPath(home));
  reg.add(dir);
  assert.deepEqual(await Deno.readFile(db), before);
});

Deno.test("refresh picks up a new config and new plans", async () => {
  const home = await tempHome();
  const dir = await project(home, "late", "plans");
  const reg = await ProjectRegistry.open(registryPath(home));
  reg.add(dir);
  assert.equal(reg.get("late")?.has_config, false);
  await Deno.writeTextFile(join(dir, "factory.yaml"), "total_ram_gb: 8\n");
  await Deno.writeTextFile(join(dir, "plans", "b.md"), "# B\n");
  reg.refresh();
  assert.equal(reg.get("late")?.has_config, true);
  assert.equal(reg.get("late")?.plans_count, 2);
});

Deno.test("use is persisted; a corrupt registry is moved aside and reported", async () => {
  const home = await tempHome();
  const dir = await project(home, "chosen", "config");
  const reg = await ProjectRegistry.open(registryPath(home));
  assert.equal(reg.use(dir)?.name, "chosen");
  await reg.save();
  assert.equal((await ProjectRegistry.open(registryPath(home))).current()?.path, dir);

  await Deno.writeTextFile(registryPath(home), "{ not json");
  const broken = await ProjectRegistry.open(registryPath(home));
  assert.deepEqual(broken.list(), []);
  assert.equal(broken.warnings.length, 1);
  assert.match(broken.warnings[0]!, /not valid; moved it to ".*projects\.json\.corrupt-/);
  const backups = [...Deno.readDirSync(join(home, ".lao"))].filter((e) =>
    e.name.includes("corrupt")
  );
  assert.equal(backups.length, 1);
  assert.equal(await Deno.readTextFile(join(home, ".lao", backups[0]!.name)), "{ not json");
});

Deno.test("adding a project again touches last_used with the current time in ISO form", async () => {
  const home = await tempHome();
  const dir = await project(home, "p", "config");
  let now = new Date("2025-01-02T03:04:05.000Z");
  const reg = await ProjectRegistry.open(registryPath(home), () => now);
  assert.equal(reg.add(dir).last_used, "2025-01-02T03:04:05.000Z");
  now = new Date("2025-02-03T04:05:06.000Z");
  assert.equal(reg.add(dir).last_used, "2025-02-03T04:05:06.000Z");
  assert.equal(reg.list().length, 1);
});

Deno.test("scan finds three sibling projects and does not descend into a found one", async () => {
  const home = await tempHome();
  const root = join(home, "work");
  for (const name of ["one", "two", "three"]) await project(root, name, "config");
  await project(root, "one/nested", "config");
  const reg = await ProjectRegistry.open(registryPath(home));
  assert.deepEqual(reg.scan(root).map((p) => p.name).sort(), ["one", "three", "two"]);
  assert.equal(reg.list().length, 3);
});
