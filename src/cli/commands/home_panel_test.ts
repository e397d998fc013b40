import assert from "node:assert/strict";
import { join } from "node:path";
import { ProjectRegistry, registryPath } from "../../projects/registry.ts";
import { Store } from "../../store/store.ts";
import { type Environment, environmentPanel, projectRows } from "./home_panel.ts";

const BASE: Environment = {
  configFile: "/p/factory.yaml",
  server: { url: "http://127.0.0.1:1234", reachable: true, kind: "lmstudio" },
  missing: [],
  sandbox: "sandbox: bwrap (workspace-write, host hidden, net off)",
  plans: [],
  projects: [],
};

Deno.test("the panel names the config, the server and its kind, the sandbox, and says when there are no plans", () => {
  assert.deepEqual(environmentPanel(BASE), [
    "  config   /p/factory.yaml",
    "  server   http://127.0.0.1:1234 · reachable (lmstudio)",
    "  sandbox: bwrap (workspace-write, host hidden, net off)",
    "  plans    none yet (put a markdown plan in plans/)",
  ]);
});

Deno.test("a missing model comes with the server's closest key; an unreachable server says so", () => {
  const lines = environmentPanel({
    ...BASE,
    configFile: null,
    server: { url: "http://10.0.0.9:1234", reachable: false, kind: null },
    missing: [{ role: "coder", key: "qwen/qwen3-coder-30b", suggestion: "qwen2.5-coder-7b" }],
  });
  assert.equal(lines[0], "  config   none here (lao init writes factory.yaml)");
  assert.equal(lines[1], "  server   http://10.0.0.9:1234 · not reachable");
  assert.equal(
    lines[2],
    "  missing  coder: qwen/qwen3-coder-30b (the server has qwen2.5-coder-7b: lao configure-models)",
  );
});

Deno.test("plans show their progress and failures", () => {
  const lines = environmentPanel({
    ...BASE,
    plans: [
      { filename: "auth.md", status: "active", done: 3, failed: 1, total: 5 },
      { filename: "docs.md", status: "completed", done: 2, failed: 0, total: 2 },
    ],
  });
  assert.ok(lines.includes("  plan     auth.md [active] 3/5 done, 1 failed"));
  assert.ok(lines.includes("  plan     docs.md [completed] 2/2 done"));
});

Deno.test("known projects show pending and failed counts read from their own databases", async () => {
  const home = await Deno.realPath(await Deno.makeTempDir({ prefix: "lao_panel_" }));
  try {
    const dir = join(home, "busy");
    await Deno.mkdir(dir);
    await Deno.writeTextFile(join(dir, "factory.yaml"), "total_ram_gb: 16\n");
    const store = Store.open(join(dir, ".lao", "state.db"));
    const { plan } = store.registerPlan({ filename: "p.md", stem: "p", text: "# p" });
    const ids = store.insertTasks(
      plan.id,
      [0, 1, 2].map((i) => ({ title: `t${i}`, description: "d", file_paths: [], dependsOn: [] })),
      1,
    );
    store.db.prepare(`UPDATE tasks SET status = 'failed' WHERE id = ?`).run(ids[0]!);
    store.close();
    const reg = await ProjectRegistry.open(registryPath(home));
    reg.scan(home);
    reg.use(dir);
    reg.refresh();
    const rows = projectRows(reg.list(), reg.current()?.path);
    assert.deepEqual(rows, [{ name: "busy", path: dir, pending: 2, failed: 1, current: true }]);
    assert.deepEqual(environmentPanel({ ...BASE, projects: rows }).slice(-2), [
      "  projects",
      `  * busy: 2 pending, 1 failed — ${dir}`,
    ]);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
