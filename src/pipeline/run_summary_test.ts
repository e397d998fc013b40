/**
 * The summary `lao run` prints is built from the run's events; these runs
 * check it against the store's view of the same queue at the end (the way
 * the summary was read before), number for number.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fakePipeline, type FakeTask } from "../../testing/fake_pipeline.ts";
import type { LaoEvent } from "../events/types.ts";
import type { Store } from "../store/store.ts";
import type { RunSummary } from "../ui/summary.ts";
import { summaryFromEvents, type SummarySeed } from "../ui/summary_events.ts";
import { feedbackFindings } from "../validate/repair.ts";
import { runPipeline, type RunResult } from "./run.ts";

const js = (name: string) => `export function ${name}() {\n  return "${name}";\n}\n`;

/** The store's view at the end of the run (what the summary used to read). */
function fromStore(
  store: Store,
  result: RunResult,
  stats: { loads: number; unloads: number; swaps: number; gateSeconds: number },
): RunSummary {
  return {
    tasksByStatus: store.statusCounts(),
    tokensByRole: Object.fromEntries(
      Object.entries(store.tokensByRole()).map((
        [r, t],
      ) => [r, { prompt: t.prompt, completion: t.completion }]),
    ),
    loads: stats.loads,
    unloads: stats.unloads,
    swaps: stats.swaps,
    loadsPerPlan: result.loadsPerPlan,
    memoryGateSeconds: stats.gateSeconds,
    wallSeconds: result.wallSeconds,
    plans: result.plans.map((p) => {
      const c = store.statusCounts(p.id);
      return {
        filename: p.filename,
        status: store.getPlan(p.id)!.status,
        completed: c.completed,
        failed: c.failed,
        total: Object.values(c).reduce((a, b) => a + b, 0),
        ...(p.workspace
          ? {
            workspace: p.workspace,
            files: new Set(store.listTasks(p.id).flatMap((t) => t.changed_files)).size,
            commits: 0,
          }
          : {}),
      };
    }),
    failedTasks: result.plans.flatMap((p) =>
      store.listTasks(p.id).filter((t) => t.status === "failed").map((t) => ({
        id: t.id,
        title: t.title,
        plan: p.filename,
        findings: feedbackFindings(t.feedback),
      }))
    ),
    reports: result.plans.flatMap((p) =>
      p.workspace && store.statusCounts(p.id).failed > 0
        ? [join(p.workspace, "LAO_QUALITY.md")]
        : []
    ),
    interrupted: result.interrupted,
  };
}

function seedOf(store: Store): SummarySeed {
  return { tasks: store.listTasks(), plans: store.listPlans(), tokensByRole: store.tokensByRole() };
}

/** Runs once as a fresh `lao run` would; returns both summaries of that run. */
async function runBoth(f: Awaited<ReturnType<typeof fakePipeline>>) {
  const deps = f.restart();
  const seed = seedOf(f.store);
  const first = f.events.length;
  const result = await runPipeline(deps, { singleRun: true });
  const events: LaoEvent[] = f.events.slice(first);
  const fromEvents = summaryFromEvents(seed, events, {
    plans: result.plans,
    loadsPerPlan: result.loadsPerPlan,
    wallSeconds: result.wallSeconds,
    interrupted: result.interrupted,
    findings: (feedback) => feedbackFindings(feedback),
    reportExists: () => true,
  });
  const { thisRun, ...rest } = fromEvents;
  return { fromEvents: rest, thisRun, fromStore: fromStore(f.store, result, deps.models.stats()) };
}

Deno.test("the run summary from events equals the store's over two runs, a rework, a failure and a revision", async () => {
  const tasks: FakeTask[] = [
    { title: "Module a", file: "a.js", content: js("a"), rejectTimes: 1 },
    { title: "Module b", file: "b.js", content: js("b"), dependencies: ["Module a"] },
    { title: "Module c", file: "c.js", content: js("c"), rejectTimes: 99 },
  ];
  await using f = await fakePipeline(tasks, {
    tune: (c) => {
      c.orchestration.retry_cooldown_base_s = 0;
    },
  });
  await f.addPlan("one.md", "# One\n\n## A\n\n- a.js\n\n## B\n\n- b.js\n");
  const first = await runBoth(f);
  assert.deepEqual(first.fromEvents, first.fromStore);
  assert.ok(first.fromStore.tasksByStatus.completed >= 2, "the run did work");
  assert.ok((first.thisRun?.reworked ?? 0) >= 1, "with a rework");

  // A second process: the first run's tasks and tokens are in the seed, the new work in events.
  await f.addPlan("two.md", "# Two\n\n- c.js\n");
  const second = await runBoth(f);
  assert.deepEqual(second.fromEvents, second.fromStore);
  assert.ok(second.fromStore.tasksByStatus.failed >= 1, "a task failed");
  assert.ok((second.fromStore.failedTasks ?? []).length >= 1);

  // An incremental revision of one.md moves its tasks to the new plan.
  await f.addPlan("one.md", "# One\n\n## A\n\n- a.js\n\n## B\n\n- b.js\n\n## C\n\n- more\n");
  const third = await runBoth(f);
  assert.ok(
    f.events.some((e) => e.type === "plan.registered" && e.tasksMoved === true),
    "the revision took its tasks along",
  );
  assert.deepEqual(third.fromEvents, third.fromStore);
});
