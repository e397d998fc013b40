import assert from "node:assert/strict";
import { ServerUnreachableError } from "../llm/errors.ts";
import { fakePipeline, type FakeTask } from "../../testing/fake_pipeline.ts";
import { runPipeline } from "./run.ts";

const js = (name: string) => `export function ${name}() {\n  return "${name}";\n}\n`;
const TWO: FakeTask[] = [
  { title: "Module a", file: "a.js", content: js("a") },
  { title: "Module b", file: "b.js", content: js("b"), dependencies: ["Module a"] },
];
const PLAN = "# Two modules\n\n- a.js\n- b.js\n";

Deno.test("runPipeline() completes a two-task plan in dependency order", async () => {
  await using f = await fakePipeline(TWO);
  await f.addPlan("two.md", PLAN);
  const result = await runPipeline(f.deps, { singleRun: true });
  assert.deepEqual(
    f.store.listTasks().map((t) => [t.title, t.status, t.attempt]),
    [["Module a", "completed", 0], ["Module b", "completed", 0]],
  );
  assert.equal(result.plans[0]!.status, "completed");
  assert.equal(result.processed, 4);
  assert.equal(await f.workspace("two").readText("b.js"), js("b"));
  const [a, b] = f.store.listTasks().map((t) => t.id);
  assert.deepEqual(f.commits, [
    { kind: "coder", taskId: a, files: ["a.js"] },
    { kind: "review", taskId: a, verdict: "approved" },
    { kind: "coder", taskId: b, files: ["b.js"] },
    { kind: "review", taskId: b, verdict: "approved" },
  ]);
  assert.ok(f.dirs.includes(f.config.paths.plans), "the plans folder is created through the port");
  assert.ok(f.dirs.includes(result.plans[0]!.workspace!), "so is the plan workspace");
  assert.deepEqual(
    f.events.filter((e) => e.type === "log" && (e.level === "warn" || e.level === "error")),
    [],
  );
});

Deno.test("runPipeline(): a rejected task is reworked with the finding, then approved", async () => {
  await using f = await fakePipeline([{ ...TWO[0]!, rejectTimes: 1 }]);
  await f.addPlan("one.md", "# One\n\n- a.js\n");
  await runPipeline(f.deps, { singleRun: true });
  const [task] = f.store.listTasks();
  assert.deepEqual([task!.status, task!.attempt], ["completed", 1]);
  assert.deepEqual(f.reviews.get("Module a"), 2);
  assert.deepEqual(
    f.commits.filter((c) => c.kind === "review").map((c) => c.kind === "review" && c.verdict),
    ["rejected", "approved"],
  );
  const reasons = f.store.taskEvents(task!.id).map((e) => e.payload)
    .flatMap((p) => p.type === "task.transition" && p.to === "pending" ? [p.reason] : []);
  assert.deepEqual(reasons.slice(1), [
    "reviewer rejected: [major] a.js missing_behaviour: edge case not handled",
  ]);
});

Deno.test("runPipeline(): a model-server outage pauses the run without using an attempt", async () => {
  await using f = await fakePipeline([TWO[0]!], {
    hooks: {
      beforeCoder: (n) => {
        if (n === 1) throw new ServerUnreachableError("connection refused");
      },
    },
  });
  await f.addPlan("one.md", "# One\n\n- a.js\n");
  const result = await runPipeline(f.deps, { singleRun: true });
  const [task] = f.store.listTasks();
  assert.deepEqual([task!.status, task!.attempt], ["completed", 0]);
  assert.deepEqual(f.sleeps, [2000], "one pause of 2 s on the fake clock");
  assert.ok(
    f.events.some((e) => e.type === "run.state" && e.state === "paused"),
    "the pause is announced",
  );
  assert.ok(
    f.store.taskEvents(task!.id).some((e) =>
      e.payload.type === "task.transition" && e.payload.reason === "paused: connection refused"
    ),
  );
  assert.equal(result.infraError, undefined, "the run recovered");
});

Deno.test("runPipeline(): the no-progress rule fails a task and its review commit says failed", async () => {
  await using f = await fakePipeline([{ ...TWO[0]!, rejectTimes: 99 }], {
    tune: (c) => {
      c.orchestration.retry_cap_reviewer = 5;
      c.orchestration.max_task_attempts = 5;
    },
  });
  await f.addPlan("one.md", "# One\n\n- a.js\n");
  await runPipeline(f.deps, { singleRun: true });
  const [task] = f.store.listTasks();
  assert.deepEqual(
    [task!.status, task!.escalation_reason, task!.attempt],
    ["failed", "no_progress_rework_loop", 1],
  );
  assert.deepEqual(
    f.commits.filter((c) => c.kind === "review").map((c) => c.kind === "review" && c.verdict),
    ["rejected", "failed"],
  );
});

Deno.test("runPipeline() with singleRun waits out a rework cooldown on the clock, then finishes", async () => {
  await using f = await fakePipeline([{ ...TWO[0]!, rejectTimes: 1 }], {
    tune: (c) => {
      c.orchestration.retry_cooldown_base_s = 30;
    },
  });
  await f.addPlan("one.md", "# One\n\n- a.js\n");
  const result = await runPipeline(f.deps, { singleRun: true });
  assert.equal(f.store.listTasks()[0]!.status, "completed");
  assert.deepEqual(f.sleeps, [30_005], "one wait: the cooldown and a 5 ms margin");
  const cooldown = f.events.find((e) => e.type === "run.state" && e.state === "cooldown");
  assert.equal(cooldown?.type === "run.state" && cooldown.until, "2025-01-01T00:00:30.000Z");
  assert.equal(result.wallSeconds, 30.005);
});

Deno.test("a failing review commit after an approval leaves the task completed and ends the phase once", async () => {
  await using f = await fakePipeline([TWO[0]!], {
    hooks: {
      beforeReviewCommit: () => {
        throw new Error("disk full");
      },
    },
  });
  await f.addPlan("one.md", "# One\n\n- a.js\n");
  await runPipeline(f.deps, { singleRun: true });
  const [task] = f.store.listTasks();
  assert.deepEqual([task!.status, task!.attempt], ["completed", 0]);
  const ends = f.events.filter((e) => e.type === "phase.end" && e.phase === "reviewer");
  assert.deepEqual(ends.map((e) => e.type === "phase.end" && e.ok), [true]);
  assert.ok(
    f.events.some((e) =>
      e.type === "log" && e.level === "warn" &&
      e.message === `task #${task!.id}: recording the review failed: disk full`
    ),
  );
});

Deno.test("a file a shell command modifies reaches the reviewer as a change, not as a new file", async () => {
  await using f = await fakePipeline(
    [{ ...TWO[0]!, shell: "sed -i s/old/new/ a.js" }],
    {
      hooks: {
        shell: async (fs, command) => {
          assert.equal(command, "sed -i s/old/new/ a.js");
          await fs.writeText("a.js", "export const version = 'new, longer';\n");
          return "exit code: 0";
        },
      },
    },
  );
  await f.workspace("one").writeText("a.js", "export const version = 'old';\n");
  await f.addPlan("one.md", "# One\n\n- a.js\n");
  await runPipeline(f.deps, { singleRun: true });
  const [task] = f.store.listTasks();
  assert.deepEqual(task!.changed_files, ["a.js"]);
  assert.match(task!.diff ?? "", /^--- a\/a\.js/m);
  assert.match(task!.diff ?? "", /^-export const version = 'old';$/m);
  assert.match(task!.diff ?? "", /^\+export const version = 'new, longer';$/m);
});

Deno.test("a failing coder commit leaves the task coded and reviewed, with one coder phase.end", async () => {
  await using f = await fakePipeline([TWO[0]!], {
    hooks: {
      beforeCoderCommit: () => {
        throw new Error("index.lock exists");
      },
    },
  });
  await f.addPlan("one.md", "# One\n\n- a.js\n");
  await runPipeline(f.deps, { singleRun: true });
  const [task] = f.store.listTasks();
  assert.deepEqual([task!.status, task!.attempt], ["completed", 0]);
  const ends = f.events.filter((e) => e.type === "phase.end" && e.phase === "coder");
  assert.deepEqual(ends.map((e) => e.type === "phase.end" && e.ok), [true]);
  assert.ok(
    f.events.some((e) =>
      e.type === "log" &&
      e.message === `task #${task!.id}: the coder commit failed: index.lock exists`
    ),
  );
});
