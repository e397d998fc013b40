import assert from "node:assert/strict";
import { join } from "node:path";
import { Store } from "./store.ts";

function withPlan(fn: (s: Store, planId: string, ids: number[]) => void) {
  const dir = Deno.makeTempDirSync({ prefix: "lao_plan_status_" });
  const store = Store.open(join(dir, "state.db"));
  try {
    const { plan } = store.registerPlan({ filename: "p.md", stem: "p", text: "# p\n- a\n- b\n" });
    const task = (title: string) => ({
      title,
      description: title,
      file_paths: [`${title}.py`],
      dependsOn: [],
    });
    fn(store, plan.id, store.insertTasks(plan.id, [task("a"), task("b")], 3));
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

const fail = (s: Store, id: number) =>
  s.db.prepare(`UPDATE tasks SET status = 'failed' WHERE id = ?`).run(id);

Deno.test("a plan whose tasks all failed shows as failed, and retry-failed reopens it", () => {
  withPlan((s, planId, ids) => {
    for (const id of ids) fail(s, id);
    s.closeFinishedPlans();
    assert.equal(s.getPlan(planId)!.status, "failed");
    assert.equal(s.retryFailed(planId), 2);
    assert.equal(s.getPlan(planId)!.status, "active");
  });
});

Deno.test("a plan with some failed and some completed tasks stays open", () => {
  withPlan((s, planId, ids) => {
    fail(s, ids[0]!);
    s.db.prepare(`UPDATE tasks SET status = 'completed' WHERE id = ?`).run(ids[1]!);
    s.closeFinishedPlans();
    assert.equal(s.getPlan(planId)!.status, "active");
  });
});
