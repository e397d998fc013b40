import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { memoryFs } from "../../testing/memory_fs.ts";
import { Store } from "../store/store.ts";
import { executeToolCall, toolDefinitions, TOOLS } from "../tools/registry.ts";
import type { ToolResult } from "../tools/types.ts";
import { type PilotToolEnv, pilotTools } from "./tools.ts";

/** A project folder with a plans/ folder and (optionally) a bound queue. */
async function setup(opts: { store?: boolean } = {}) {
  const dir = await Deno.makeTempDir({ prefix: "lao_pilot_tools_" });
  const store = opts.store === false ? undefined : Store.open(join(dir, ".lao", "state.db"));
  let resumed = 0;
  const env: PilotToolEnv = {
    store: () => store,
    plansDir: () => join(dir, "plans"),
    requestResume: () => resumed++,
    projectStatus: () => "no projects",
  };
  const tools = pilotTools(env);
  const call = (name: string, args: object = {}): Promise<ToolResult> =>
    executeToolCall(name, JSON.stringify(args), { fs: memoryFs() }, tools);
  return {
    dir,
    store,
    tools,
    call,
    resumed: () => resumed,
    async [Symbol.asyncDispose]() {
      store?.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Two pending tasks of plan `feature.md`. */
function twoTasks(store: Store): number[] {
  const { plan } = store.registerPlan({ filename: "feature.md", stem: "feature", text: "# F" });
  return store.insertTasks(
    plan.id,
    ["first", "second"].map((title) => ({
      title,
      description: "d",
      file_paths: [],
      dependsOn: [],
    })),
    3,
  );
}

Deno.test("pilot tools: the schemas sent to the model and the tools dispatched have the same names", async () => {
  await using t = await setup();
  const sent = toolDefinitions(t.tools).map((d) => d.function.name);
  assert.deepEqual(sent, t.tools.map((x) => x.name));
  assert.equal(new Set(sent).size, sent.length);
  for (const base of TOOLS) assert.ok(sent.includes(base.name), base.name);
  for (
    const name of [
      "create_plan",
      "pipeline_status",
      "retry_failed",
      "resume_pipeline",
      "codebase_search",
      "project_status",
      "gate_summary",
    ]
  ) assert.ok(sent.includes(name), name);
});

Deno.test('create_plan "My Feature" writes plans/My_Feature.md; a duplicate or an all-symbol title is an error', async () => {
  await using t = await setup();
  const r = await t.call("create_plan", { title: "My Feature", content: "# My Feature\n- a" });
  assert.equal(r.ok, true, r.output);
  assert.match(r.output, /Created plan My_Feature\.md .*\/resume/);
  assert.equal(
    await Deno.readTextFile(join(t.dir, "plans", "My_Feature.md")),
    "# My Feature\n- a\n",
  );
  const dup = await t.call("create_plan", { title: "My Feature", content: "other" });
  assert.equal(dup.ok, false);
  assert.match(dup.output, /^ERROR: .*already exists/);
  assert.equal(
    await Deno.readTextFile(join(t.dir, "plans", "My_Feature.md")),
    "# My Feature\n- a\n",
  );
  const symbols = await t.call("create_plan", { title: "!!!/..", content: "x" });
  assert.equal(symbols.ok, false);
  assert.match(symbols.output, /^ERROR: .*no letters or digits/);
  assert.equal(existsSync(join(t.dir, "plans", ".md")), false);
});

Deno.test("pipeline_status: an error without a queue, 'No tasks' when empty, counts and the plan file otherwise", async () => {
  {
    await using none = await setup({ store: false });
    const r = await none.call("pipeline_status");
    assert.equal(r.ok, false);
    assert.match(r.output, /^ERROR: no task queue is bound/);
  }
  await using t = await setup();
  const empty = await t.call("pipeline_status");
  assert.equal(empty.ok, true);
  assert.match(empty.output, /No tasks in queue\./);
  twoTasks(t.store!);
  const two = await t.call("pipeline_status");
  assert.match(two.output, /^## Pipeline Status/);
  assert.match(two.output, /pending: 2/);
  assert.match(two.output, /feature\.md \[\w+\] — 0\/2 done/);
});

Deno.test("retry_failed: 'No failed' with nothing failed; one failed task goes back to pending", async () => {
  await using t = await setup();
  const ids = twoTasks(t.store!);
  const nothing = await t.call("retry_failed");
  assert.equal(nothing.ok, true);
  assert.match(nothing.output, /No failed tasks to retry/);
  t.store!.db.prepare(`UPDATE tasks SET status = 'failed' WHERE id = ?`).run(ids[0]!);
  const one = await t.call("retry_failed");
  assert.equal(one.ok, true);
  assert.match(one.output, /^OK: Reset 1 failed task/);
  assert.equal(t.store!.getTask(ids[0]!)?.status, "pending");
});

Deno.test("resume_pipeline asks the session to hand over", async () => {
  await using t = await setup();
  assert.equal(t.resumed(), 0);
  const r = await t.call("resume_pipeline");
  assert.equal(r.ok, true);
  assert.equal(t.resumed(), 1);
});
