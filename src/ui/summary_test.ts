import assert from "node:assert/strict";
import type { TaskStatus } from "../domain/status.ts";
import { TASK_STATUSES } from "./dashboard_state.ts";
import { formatSummary, type RunSummary } from "./summary.ts";

function counts(some: Partial<Record<TaskStatus, number>>): Record<TaskStatus, number> {
  return Object.fromEntries(TASK_STATUSES.map((s) => [s, some[s] ?? 0])) as Record<
    TaskStatus,
    number
  >;
}

/** One plan, one task completed and one failed, two loads and a swap. */
function sample(): RunSummary {
  return {
    tasksByStatus: counts({ completed: 1, failed: 1 }),
    tokensByRole: {
      planner: { prompt: 1000, completion: 200 },
      coder: { prompt: 3000, completion: 500 },
    },
    loads: 2,
    unloads: 1,
    swaps: 1,
    loadsPerPlan: { "greeting.md": { loads: 2, lowerBound: 2 } },
    memoryGateSeconds: 0.3,
    wallSeconds: 14,
    plans: [{ filename: "greeting.md", status: "active", completed: 1, total: 2, failed: 1 }],
    interrupted: false,
  };
}

const EMPTY: RunSummary = {
  tasksByStatus: counts({}),
  tokensByRole: {},
  loads: 0,
  unloads: 0,
  swaps: 0,
  memoryGateSeconds: 0,
  wallSeconds: 0,
  plans: [],
  interrupted: false,
};

Deno.test("formatSummary() prints tasks, plans, tokens, models, gate and wall time", () => {
  const lines = formatSummary(sample(), { color: false });
  assert.deepEqual(lines, [
    "LAO run finished",
    "  tasks: 1 completed, 1 failed",
    "  plans:",
    "    greeting.md: active, 1/2 tasks completed, 1 failed",
    "  tokens: 4,700 total",
    "    planner: 1,000 prompt + 200 completion",
    "    coder: 3,000 prompt + 500 completion",
    "  models: 2 load(s), 1 swap(s), 1 unload(s)",
    "    greeting.md: 2 load(s), at least 2 needed",
    "  memory gate: 0.3s",
    "  wall time: 14s",
    "  next: lao status  (why they failed), then lao retry-failed",
  ]);
});

Deno.test("formatSummary() tells how to resume an interrupted run", () => {
  const summary: RunSummary = {
    ...sample(),
    tasksByStatus: counts({ completed: 1, failed: 1, pending: 1 }),
    interrupted: true,
  };
  const lines = formatSummary(summary, { color: false });
  assert.equal(lines[0], "LAO run interrupted");
  assert.equal(lines.at(-1), "1 task(s) left; run `lao run` to resume where it stopped.");
});

Deno.test("formatSummary() of an interrupted run with nothing left says how to resume", () => {
  // What a watching `lao run` prints when its Ctrl+C lands in the idle wait.
  const summary: RunSummary = {
    ...EMPTY,
    tasksByStatus: counts({ completed: 2 }),
    interrupted: true,
  };
  const lines = formatSummary(summary, { color: false });
  assert.equal(lines[0], "LAO run interrupted");
  assert.equal(lines.at(-1), "Run `lao run` to resume where it stopped.");
});

Deno.test("formatSummary() says when no task or token was seen", () => {
  const lines = formatSummary(EMPTY, { color: false });
  assert.ok(lines.includes("  tasks: none"));
  assert.ok(lines.includes("  tokens: none"));
});

Deno.test("formatSummary() colours failures red when colour is on", () => {
  const lines = formatSummary(sample(), { color: true });
  assert.ok(lines[1]?.includes("\x1b[31m1 failed\x1b[39m"));
});

Deno.test("formatSummary() says where each plan's code is, why tasks failed and what to run next", () => {
  const summary: RunSummary = {
    ...sample(),
    wallSeconds: 5,
    plans: [{
      filename: "greeting.md",
      status: "active",
      completed: 1,
      total: 2,
      failed: 1,
      workspace: "/p/greeting",
      files: 3,
      commits: 4,
    }],
    failedTasks: [{
      id: 2,
      title: "Wire it",
      plan: "greeting.md",
      findings: ["[critical] m.py missing_file: File m.py does not exist"],
    }],
    reports: ["/p/greeting/LAO_QUALITY.md"],
  };
  const lines = formatSummary(summary, { color: false });
  assert.ok(
    lines.includes("      code in /p/greeting (3 file(s), 4 commit(s) this run)"),
    lines.join("\n"),
  );
  assert.ok(lines.includes("    #2 Wire it [greeting.md]"));
  assert.ok(lines.includes("      [critical] m.py missing_file: File m.py does not exist"));
  assert.ok(lines.includes("    full report: /p/greeting/LAO_QUALITY.md"));
  assert.equal(lines.at(-1), "  next: lao status  (why they failed), then lao retry-failed");
});

Deno.test("slotLines() reports each server's busy share and the speed-up over one slot", async () => {
  const { slotLines } = await import("./summary.ts");
  const lines = slotLines(
    {
      slots: {
        servers: {
          a: { slots: 4, busySeconds: 30, availableSeconds: 40 },
          b: { slots: 2, busySeconds: 5, availableSeconds: 20 },
        },
        sequentialSeconds: 35,
        wallSeconds: 10,
      },
    } as Parameters<typeof slotLines>[0],
  );
  assert.deepEqual(lines, [
    "  slots: 3.5x over a sequential estimate of 35s",
    "    a: 4 slot(s), 75% busy (30s of 40s slot time)",
    "    b: 2 slot(s), 25% busy (5.0s of 20s slot time)",
  ]);
});
