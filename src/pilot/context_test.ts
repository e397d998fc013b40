import assert from "node:assert/strict";
import { join } from "node:path";
import { Store } from "../store/store.ts";
import { contextBlock, fallbackReply } from "./context.ts";

Deno.test("the fallback names a missing factory.yaml and an empty queue, and omits the first when there is a config", () => {
  const bare = fallbackReply({ configFile: null, workspace: "/w", queueEmpty: true });
  assert.match(bare, /No factory\.yaml found in the current directory \(\/w\)/);
  assert.match(bare, /The task queue is empty/);
  const configured = fallbackReply({
    configFile: "/w/factory.yaml",
    workspace: "/w",
    queueEmpty: true,
  });
  assert.doesNotMatch(configured, /factory\.yaml/);
  assert.match(configured, /The task queue is empty/);
  const busy = fallbackReply({ configFile: "/w/factory.yaml", workspace: "/w", queueEmpty: false });
  assert.doesNotMatch(busy, /queue is empty/);
});

Deno.test("the context names the workspace, the plans folder, the queue, the plans and each failed task with its reason", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lao_pilot_ctx_" });
  const store = Store.open(join(dir, ".lao", "state.db"));
  try {
    const { plan } = store.registerPlan({ filename: "auth.md", stem: "auth", text: "# Auth" });
    const [bad] = store.insertTasks(plan.id, [
      { title: "Add login route", description: "d", file_paths: [], dependsOn: [] },
      { title: "Add logout", description: "d", file_paths: [], dependsOn: [] },
    ], 3);
    store.db.prepare(
      `UPDATE tasks SET status = 'failed', escalation_reason = 'no_progress', attempt = 3, feedback = 'tests fail' WHERE id = ?`,
    ).run(bad!);
    const text = contextBlock({
      workspace: dir,
      plansDir: join(dir, "plans"),
      configFile: join(dir, "factory.yaml"),
      store,
      structure: ["  src/", "  src/main.ts"],
    });
    assert.match(text, new RegExp(`^Workspace: ${dir}$`, "m"));
    assert.match(text, new RegExp(`^Plans directory: ${join(dir, "plans")}$`, "m"));
    assert.match(
      text,
      /^Task queue: .*pending: 1.*failed: 1|^Task queue: .*failed: 1.*pending: 1/m,
    );
    assert.match(text, /Plan 'auth\.md' \[\w+\]: 0\/2 done, 1 pending, 1 failed/);
    assert.match(
      text,
      /FAILED #\d+ 'Add login route' \(reason: no_progress, attempts: 3\): tests fail/,
    );
    assert.match(text, /Project structure:\n {2}src\/\n {2}src\/main\.ts/);
    assert.doesNotMatch(text, /no factory\.yaml/);
    const none = contextBlock({
      workspace: dir,
      plansDir: join(dir, "plans"),
      configFile: null,
      store: undefined,
      structure: [],
    });
    assert.match(none, /Task queue: none/);
    assert.match(none, /no factory\.yaml found/);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
