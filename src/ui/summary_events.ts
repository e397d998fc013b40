/**
 * The run summary built from the event stream: a pure reducer over the
 * run's {@linkcode LaoEvent}s, started from the queue as it stood when the
 * run began (like the dashboard's seed, so totals cover the whole queue and
 * not only the tasks this run touched). Tasks by status, per-plan counts and
 * changed files, failed tasks with their findings, tokens by role, model
 * loads, swaps, unloads, time in the memory gate, commits per workspace and
 * what this run completed, failed and reworked all come from events; what
 * the pipeline itself measured (its plans, loads per plan, wall time, slot
 * use, whether it was interrupted) comes from its result.
 *
 * @module
 */
import { addCall } from "./token_tally.ts";
import { join } from "node:path";
import type { EventBus } from "../events/bus.ts";
import type { LaoEvent } from "../events/types.ts";
import type { PlanStatus, TaskStatus } from "../domain/status.ts";
import { TASK_STATUSES } from "../store/task_machine.ts";
import type { FailedTaskSummary, PlanSummary, RunSummary } from "./summary.ts";

/** One task as the summary knows it. */
export interface SummaryTask {
  planId: string;
  status: TaskStatus;
  title: string;
  /** The files its coder changed last. */
  files: readonly string[];
  /** Its feedback when it failed. */
  feedback: string | null;
  /** A failure that only marks an old revision (not shown as failed work). */
  superseded: boolean;
}

/** The summary's state: the queue and the run's counters. */
export interface SummaryState {
  tasks: Readonly<Record<number, SummaryTask>>;
  planStatus: Readonly<Record<string, PlanStatus>>;
  tokens: Readonly<Record<string, { prompt: number; completion: number }>>;
  loads: number;
  unloads: number;
  swaps: number;
  memoryGateSeconds: number;
  /** Commits per workspace during this run. */
  commits: Readonly<Record<string, number>>;
  /** Task outcomes during this run. */
  run: { completed: number; failed: number; reworked: number };
}

/** The queue when the run began (read once from the store). */
export interface SummarySeed {
  tasks: readonly {
    id: number;
    plan_id: string;
    status: TaskStatus;
    title: string;
    changed_files: readonly string[];
    feedback: string | null;
    escalation_reason: string | null;
  }[];
  plans: readonly { id: string; status: PlanStatus }[];
  /** Tokens by role so far (every call the store recorded). */
  tokensByRole: Readonly<Record<string, { prompt: number; completion: number }>>;
}

/** The starting state from the queue. */
export function seedSummary(seed: SummarySeed): SummaryState {
  const tasks: Record<number, SummaryTask> = {};
  for (const t of seed.tasks) {
    tasks[t.id] = {
      planId: t.plan_id,
      status: t.status,
      title: t.title,
      files: [...t.changed_files],
      feedback: t.feedback,
      superseded: t.escalation_reason === "superseded",
    };
  }
  const tokens: Record<string, { prompt: number; completion: number }> = {};
  for (const [role, t] of Object.entries(seed.tokensByRole)) {
    tokens[role] = { prompt: t.prompt, completion: t.completion };
  }
  return {
    tasks,
    planStatus: Object.fromEntries(seed.plans.map((p) => [p.id, p.status])),
    tokens,
    loads: 0,
    unloads: 0,
    swaps: 0,
    memoryGateSeconds: 0,
    commits: {},
    run: { completed: 0, failed: 0, reworked: 0 },
  };
}

type Transition = Extract<LaoEvent, { type: "task.transition" }>;

function withTransition(state: SummaryState, e: Transition): SummaryState {
  const old = state.tasks[e.taskId];
  const task: SummaryTask = {
    planId: e.planId,
    status: e.to,
    title: e.title ?? old?.title ?? `#${e.taskId}`,
    files: e.files ?? old?.files ?? [],
    feedback: e.to === "failed" ? e.feedback ?? old?.feedback ?? null : old?.feedback ?? null,
    superseded: e.to === "failed" ? false : old?.superseded ?? false,
  };
  const run = { ...state.run };
  if (e.to === "completed") run.completed++;
  if (e.to === "failed") run.failed++;
  if (e.to === "pending" && e.from === "review") run.reworked++;
  return { ...state, tasks: { ...state.tasks, [e.taskId]: task }, run };
}

/** Every task of plan `from` now belongs to plan `to` (an incremental revision). */
function movedTasks(state: SummaryState, from: string, to: string): SummaryState {
  const tasks: Record<number, SummaryTask> = {};
  for (const [id, t] of Object.entries(state.tasks)) {
    tasks[Number(id)] = t.planId === from ? { ...t, planId: to } : t;
  }
  return { ...state, tasks };
}

/** The state after `event`. */
export function reduceSummary(state: SummaryState, event: LaoEvent): SummaryState {
  switch (event.type) {
    case "task.transition":
      return withTransition(state, event);
    case "plan.registered":
      return event.tasksMoved && event.revisionOf
        ? movedTasks(state, event.revisionOf, event.planId)
        : state;
    case "plan.status":
      return { ...state, planStatus: { ...state.planStatus, [event.planId]: event.to } };
    case "llm.call":
      return { ...state, tokens: addCall(state.tokens, event) };
    case "model.load":
      return { ...state, loads: state.loads + 1, swaps: state.swaps + (event.swap ? 1 : 0) };
    case "model.unload":
      return { ...state, unloads: state.unloads + 1 };
    case "memory.gate":
      return { ...state, memoryGateSeconds: state.memoryGateSeconds + event.seconds };
    case "git.commit": {
      const commits = { ...state.commits };
      commits[event.workspace] = (commits[event.workspace] ?? 0) + 1;
      return { ...state, commits };
    }
    default:
      return state;
  }
}

/** A plan the run reports on, as the pipeline returned it. */
export interface SummaryPlan {
  id: string;
  filename: string;
  status: PlanStatus;
  workspace: string | null;
  workspace_kind?: string | null;
  branch?: string | null;
}

/** What the pipeline measured itself, and the two helpers the summary needs. */
export interface SummaryEnd {
  plans: readonly SummaryPlan[];
  loadsPerPlan?: RunSummary["loadsPerPlan"];
  wallSeconds: number;
  slots?: RunSummary["slots"];
  interrupted: boolean;
  /** The findings of a failed task's feedback, one line each. */
  findings: (feedback: string | null) => string[];
  /** True when the plan's full report exists at `path`. */
  reportExists: (path: string) => boolean;
}

/** The quality report a plan's summary points to. */
export const REPORT_FILE = "LAO_QUALITY.md";

function countStatuses(tasks: readonly SummaryTask[]): Record<TaskStatus, number> {
  const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<
    TaskStatus,
    number
  >;
  for (const t of tasks) counts[t.status]++;
  return counts;
}

function planLine(state: SummaryState, plan: SummaryPlan, tasks: SummaryTask[]): PlanSummary {
  const c = countStatuses(tasks);
  const files = new Set(tasks.flatMap((t) => t.files));
  return {
    filename: plan.filename,
    status: state.planStatus[plan.id] ?? plan.status,
    completed: c.completed,
    failed: c.failed,
    total: tasks.length,
    ...(plan.workspace
      ? {
        workspace: plan.workspace,
        files: files.size,
        commits: state.commits[plan.workspace] ?? 0,
      }
      : {}),
    ...(plan.workspace_kind === "worktree" && plan.branch ? { branch: plan.branch } : {}),
  };
}

/** The final summary from the state the events left and the pipeline's result. */
export function runSummary(state: SummaryState, end: SummaryEnd): RunSummary {
  const entries = Object.entries(state.tasks).map(([id, t]) => ({ id: Number(id), ...t }))
    .sort((a, b) => a.id - b.id);
  const ofPlan = (planId: string) => entries.filter((t) => t.planId === planId);
  const failedTasks: FailedTaskSummary[] = end.plans.flatMap((p) =>
    ofPlan(p.id).filter((t) => t.status === "failed" && !t.superseded).map((t) => ({
      id: t.id,
      title: t.title,
      plan: p.filename,
      findings: end.findings(t.feedback),
    }))
  );
  const reports = end.plans.flatMap((p) => {
    const report = p.workspace ? join(p.workspace, REPORT_FILE) : "";
    const failed = ofPlan(p.id).some((t) => t.status === "failed");
    return report && failed && end.reportExists(report) ? [report] : [];
  });
  return {
    tasksByStatus: countStatuses(entries),
    // By role name, as the store lists them.
    tokensByRole: Object.fromEntries(
      Object.entries(state.tokens).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
    loads: state.loads,
    unloads: state.unloads,
    swaps: state.swaps,
    loadsPerPlan: end.loadsPerPlan ?? {},
    memoryGateSeconds: state.memoryGateSeconds,
    wallSeconds: end.wallSeconds,
    ...(end.slots ? { slots: end.slots } : {}),
    plans: end.plans.map((p) => planLine(state, p, ofPlan(p.id))),
    failedTasks,
    reports,
    interrupted: end.interrupted,
    thisRun: { ...state.run },
  };
}

/** The summary of `events` from `seed` (the reducer folded once; for tests and replays). */
export function summaryFromEvents(
  seed: SummarySeed,
  events: readonly LaoEvent[],
  end: SummaryEnd,
): RunSummary {
  return runSummary(events.reduce(reduceSummary, seedSummary(seed)), end);
}

/** Folds the bus's events into the summary from `seed` on; read the state at the end. */
export function subscribeSummary(
  bus: EventBus,
  seed: SummarySeed,
): { state: () => SummaryState; dispose: () => void } {
  let state = seedSummary(seed);
  const dispose = bus.subscribe((event) => {
    state = reduceSummary(state, event);
  });
  return { state: () => state, dispose };
}
