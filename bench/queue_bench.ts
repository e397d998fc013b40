/**
 * Queue scale: a store of 100,000 tasks over 200 plans (dependency chains of
 * five inside each plan), then the scheduler's hot queries: claiming the next
 * runnable task, one transition, and the `status --json` document's queries.
 *
 * @module
 */
import { join } from "node:path";
import { Store } from "../src/store/store.ts";
import type { NewTask } from "../src/store/types.ts";
import { stat, timeRuns } from "./stats.ts";

/** Fills `store` with `plans` plans of `perPlan` tasks; returns the plan ids. */
export function fillStore(store: Store, plans: number, perPlan: number): string[] {
  const ids: string[] = [];
  for (let p = 0; p < plans; p++) {
    const text = `# Plan ${p}\n\n- scale fixture ${p}\n`;
    const { plan } = store.registerPlan({ filename: `plan_${p}.md`, stem: `plan_${p}`, text });
    const tasks: NewTask[] = Array.from({ length: perPlan }, (_, i) => ({
      title: `Task ${p}.${i}`,
      description: `Implement item ${i} of plan ${p}.`,
      file_paths: [`src/item_${i}.py`],
      dependsOn: i % 5 === 0 ? [] : [i - 1],
    }));
    store.insertTasks(plan.id, tasks, 3);
    store.setPlanStatus(plan.id, "active");
    ids.push(plan.id);
  }
  return ids;
}

/** Creates a database of `plans` × `perPlan` tasks at `path` (for the start-up bench). */
export function makeDatabase(path: string, plans: number, perPlan: number): void {
  const store = Store.open(path);
  try {
    fillStore(store, plans, perPlan);
  } finally {
    store.close();
  }
}

/** Times claim, transition and the status queries at `plans` × `perPlan` tasks. */
export async function benchQueue(runs: number, plans = 200, perPlan = 500) {
  const dir = await Deno.makeTempDir({ prefix: "lao_bench_queue_" });
  const store = Store.open(join(dir, "state.db"));
  try {
    fillStore(store, plans, perPlan);
    // Claim: the next runnable task, then its guarded pending → coding update. Each claimed task
    // is then completed (untimed), so the queue advances the way a run advances it.
    const samples: number[] = [];
    for (let i = 0; i < runs * 20 + 1; i++) {
      const t0 = performance.now();
      const [next] = store.runnable({ limit: 1 });
      if (!next || !store.transition(next.id, "start_coding")) throw new Error("no claim");
      if (i > 0) samples.push(performance.now() - t0);
      if (i < runs * 20) {
        store.transition(next.id, "finish_coding");
        store.transition(next.id, "start_review");
        store.transition(next.id, "approve");
      }
    }
    const claim = stat(samples);
    const [task] = store.listByStatus("coding");
    let flip = false;
    // One transition: coding → pending and back, each a guarded update plus its event row.
    const transition = await timeRuns(runs * 20, () => {
      flip = !flip;
      if (!store.transition(task!.id, flip ? "release_claim" : "start_coding")) {
        throw new Error("transition refused");
      }
    });
    const status = await timeRuns(runs, () => {
      store.statusCounts();
      for (const p of store.listPlans()) store.statusCounts(p.id);
      store.listByStatus("failed");
      store.tokensByRole();
    });
    return { tasks: plans * perPlan, claim, transition, status };
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}
