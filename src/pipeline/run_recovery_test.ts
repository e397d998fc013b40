/**
 * A run that stops for good at model request #k (a killed process never gets
 * its answer), then a new run on the same store, workspaces and git: the plan
 * finishes, interrupted tasks are handed back, no approved task is coded
 * again, and each task has one coder and one approving review commit. The
 * real-process journey (SIGKILL, the lease, a restarted `lao run`) is
 * `tests/pipeline/crash_test.ts`.
 */
import assert from "node:assert/strict";
import { fakePipeline, type FakeTask } from "../../testing/fake_pipeline.ts";
import { runPipeline } from "./run.ts";

const js = (name: string) => `export function ${name}() {\n  return "${name}";\n}\n`;
const TASKS: FakeTask[] = [
  { title: "Greeting library", file: "greeting.js", content: js("greet") },
  {
    title: "Greeting tests",
    file: "greeting_test.js",
    content: js("test"),
    dependencies: ["Greeting library"],
  },
];
const PLAN =
  "# Greeting\n\n## Phase 1: library\n\n- greeting.js\n\n## Phase 2: tests\n\n- greeting_test.js\n";

/**
 * Model requests of this plan: 1 planner, 2-3 coder (task 1), 4 reviewer
 * (task 1), 5-6 coder (task 2), 7 reviewer (task 2); what the restart finds
 * in coding and review at each.
 */
const RECOVERED: Record<number, [coding: number, review: number]> = {
  1: [0, 0],
  2: [1, 0],
  3: [1, 0],
  4: [0, 1],
  5: [1, 0],
  6: [1, 0],
  7: [0, 1],
};

for (const [at, [coding, review]] of Object.entries(RECOVERED).map(([k, v]) => [+k, v] as const)) {
  Deno.test(`a run stopped at model request #${at} and a restart finish the plan without recoding an approved task`, async () => {
    const approved = new Set<string>();
    const violations: string[] = [];
    let reached = () => {};
    const stopped = new Promise<void>((resolve) => reached = resolve);
    let stopping = true;
    await using f = await fakePipeline(TASKS, {
      hooks: {
        beforeChat: (call) => {
          if (stopping && call.n === at) {
            stopping = false;
            reached();
            return new Promise<void>(() => {}); // never answered
          }
          if (call.role === "coder" && call.task && approved.has(call.task)) {
            violations.push(`${call.task} coded after its approval`);
          }
          // No task is rejected: a review that is answered approves.
          if (call.role === "reviewer" && call.task) approved.add(call.task);
        },
      },
    });
    await f.addPlan("greeting.md", PLAN);
    const first = runPipeline(f.deps, { singleRun: true });
    await Promise.race([
      stopped,
      first.then(() => Promise.reject(new Error(`the run finished before request #${at}`))),
    ]);
    const seen = f.events.length;

    f.restart();
    const result = await runPipeline(f.deps, { singleRun: true });

    const tasks = f.store.listTasks();
    assert.deepEqual(tasks.map((t) => [t.title, t.status]), [
      ["Greeting library", "completed"],
      ["Greeting tests", "completed"],
    ]);
    assert.ok(tasks.every((t) => t.attempt <= 1), "at most one extra attempt per task");
    assert.equal(f.store.getPlan(result.plans[0]!.id)!.status, "completed");
    for (const t of TASKS) assert.equal(await f.workspace("greeting").readText(t.file), t.content);
    assert.deepEqual(violations, []);
    const recovered = f.events.slice(seen).filter((e) =>
      e.type === "log" && e.message.startsWith("recovered ")
    ).map((e) => e.type === "log" && e.message);
    assert.deepEqual(
      recovered,
      coding + review
        ? [`recovered ${coding} coding and ${review} review tasks after an interruption`]
        : [],
    );
    for (const t of tasks) {
      const mine = f.commits.filter((c) => c.taskId === t.id);
      assert.deepEqual(
        [
          mine.filter((c) => c.kind === "coder").length,
          mine.filter((c) => c.kind === "review" && c.verdict === "approved").length,
        ],
        [1, 1],
        `${t.title}: one coder commit, one approval`,
      );
    }
  });
}
