import assert from "node:assert/strict";
import type { LaoEvent } from "../events/types.ts";
import { formatSummary } from "./summary.ts";
import { type SummaryEnd, summaryFromEvents, type SummarySeed } from "./summary_events.ts";

/** A queue with one earlier plan (done) and a plan whose two tasks are pending. */
const SEED: SummarySeed = {
  tasks: [
    task(1, "old", "completed", "Old module", ["old.js"]),
    task(2, "p1", "pending", "Module a"),
    task(3, "p1", "pending", "Module b"),
  ],
  plans: [{ id: "old", status: "completed" }, { id: "p1", status: "active" }],
  tokensByRole: { planner: { prompt: 100, completion: 10 } },
};

function task(
  id: number,
  plan: string,
  status: SummarySeed["tasks"][number]["status"],
  title: string,
  files: string[] = [],
): SummarySeed["tasks"][number] {
  return {
    id,
    plan_id: plan,
    status,
    title,
    changed_files: files,
    feedback: null,
    escalation_reason: null,
  };
}

/** Task 2 is coded, rejected once, then approved; task 3 fails in review. */
const EVENTS: LaoEvent[] = [
  { type: "model.load", role: "coder", model: "c", seconds: 2, swap: false },
  { type: "task.transition", taskId: 2, planId: "p1", from: "pending", to: "coding" },
  {
    type: "llm.call",
    role: "coder",
    model: "c",
    promptTokens: 500,
    completionTokens: 50,
    seconds: 1,
    ok: true,
  },
  {
    type: "task.transition",
    taskId: 2,
    planId: "p1",
    from: "coding",
    to: "coded",
    files: ["a.js"],
  },
  { type: "git.commit", subject: "lao(coder): task #2", sha: "1", workspace: "/w/p1" },
  { type: "memory.gate", reason: "swap", seconds: 0.5, freedBytes: 0 },
  { type: "model.unload", model: "c", seconds: 1 },
  { type: "model.load", role: "reviewer", model: "r", seconds: 2, swap: true },
  { type: "task.transition", taskId: 2, planId: "p1", from: "coded", to: "review" },
  {
    type: "llm.call",
    role: "reviewer",
    model: "r",
    promptTokens: 300,
    completionTokens: 30,
    seconds: 1,
    ok: true,
  },
  {
    type: "task.transition",
    taskId: 2,
    planId: "p1",
    from: "review",
    to: "pending",
    reason: "rejected",
  },
  { type: "task.transition", taskId: 2, planId: "p1", from: "pending", to: "coding" },
  {
    type: "task.transition",
    taskId: 2,
    planId: "p1",
    from: "coding",
    to: "coded",
    files: ["a.js", "a_test.js"],
  },
  { type: "task.transition", taskId: 2, planId: "p1", from: "coded", to: "review" },
  { type: "task.transition", taskId: 2, planId: "p1", from: "review", to: "completed" },
  { type: "git.commit", subject: "lao(reviewer): task #2", sha: "2", workspace: "/w/p1" },
  { type: "task.transition", taskId: 3, planId: "p1", from: "pending", to: "coding" },
  {
    type: "task.transition",
    taskId: 3,
    planId: "p1",
    from: "coding",
    to: "coded",
    files: ["b.js"],
  },
  { type: "task.transition", taskId: 3, planId: "p1", from: "coded", to: "review" },
  {
    type: "task.transition",
    taskId: 3,
    planId: "p1",
    from: "review",
    to: "failed",
    feedback: "Max attempts reached. Last feedback: - [major] b.js missing_behaviour: no edge case",
  },
  { type: "llm.progress", role: "coder", model: "c", tokens: 40, seconds: 1 },
  { type: "plan.status", planId: "p1", from: "active", to: "failed" },
];

const END: SummaryEnd = {
  plans: [{ id: "p1", filename: "p1.md", status: "active", workspace: "/w/p1" }],
  loadsPerPlan: { "p1.md": { loads: 2, lowerBound: 2 } },
  wallSeconds: 42,
  interrupted: false,
  findings: (feedback) => (feedback ?? "").split("\n").map((l) => l.replace(/^.*- \[/, "[")),
  reportExists: (path) => path === "/w/p1/LAO_QUALITY.md",
};

Deno.test("summaryFromEvents() counts tasks, tokens, loads, commits and files from the events", () => {
  const s = summaryFromEvents(SEED, EVENTS, END);
  assert.deepEqual(
    Object.entries(s.tasksByStatus).filter(([, n]) => n > 0),
    [["completed", 2], ["failed", 1]],
    "the whole queue: the earlier plan's task too",
  );
  assert.deepEqual(s.tokensByRole, {
    coder: { prompt: 500, completion: 50 },
    planner: { prompt: 100, completion: 10 },
    reviewer: { prompt: 300, completion: 30 },
  });
  assert.deepEqual([s.loads, s.swaps, s.unloads, s.memoryGateSeconds], [2, 1, 1, 0.5]);
  assert.deepEqual(s.plans, [{
    filename: "p1.md",
    status: "failed",
    completed: 1,
    failed: 1,
    total: 2,
    workspace: "/w/p1",
    files: 3,
    commits: 2,
  }]);
  assert.deepEqual(s.failedTasks, [
    {
      id: 3,
      title: "Module b",
      plan: "p1.md",
      findings: ["[major] b.js missing_behaviour: no edge case"],
    },
  ]);
  assert.deepEqual(s.reports, ["/w/p1/LAO_QUALITY.md"]);
  assert.deepEqual(s.thisRun, { completed: 1, failed: 1, reworked: 1 });
  assert.deepEqual([s.wallSeconds, s.loadsPerPlan, s.interrupted], [42, END.loadsPerPlan, false]);
});

Deno.test("summaryFromEvents(): an incremental revision takes its tasks along; new tasks join it", () => {
  const events: LaoEvent[] = [
    {
      type: "plan.registered",
      planId: "p2",
      filename: "p1.md",
      revisionOf: "p1",
      tasksMoved: true,
    },
    { type: "plan.status", planId: "p1", from: "active", to: "superseded" },
    {
      type: "task.transition",
      taskId: 9,
      planId: "p2",
      from: null,
      to: "pending",
      title: "Module c",
    },
  ];
  const s = summaryFromEvents(SEED, events, {
    ...END,
    plans: [
      { id: "p1", filename: "p1.md", status: "superseded", workspace: "/w/p1" },
      { id: "p2", filename: "p1.md", status: "active", workspace: "/w/p1" },
    ],
  });
  assert.deepEqual(s.plans.map((p) => [p.status, p.total]), [["superseded", 0], ["active", 3]]);
  assert.equal(s.tasksByStatus.pending, 3);
});

Deno.test("the summary from events prints like the store's: a line per plan, failed tasks, reports", () => {
  const lines = formatSummary(summaryFromEvents(SEED, EVENTS, END), { color: false });
  assert.deepEqual(lines.slice(0, 9), [
    "LAO run finished",
    "  tasks: 2 completed, 1 failed",
    "  plans:",
    "    p1.md: failed, 1/2 tasks completed, 1 failed",
    "      code in /w/p1 (3 file(s), 2 commit(s) this run)",
    "  failed tasks:",
    "    #3 Module b [p1.md]",
    "      [major] b.js missing_behaviour: no edge case",
    "    full report: /w/p1/LAO_QUALITY.md",
  ]);
});
