/**
 * The final summary of `lao run`: tasks by status, plans, tokens by role,
 * model loads and swaps, time in the memory gate, wall time, and a resume
 * hint when the run was interrupted. `lao run` fills {@linkcode RunSummary}
 * from the run's events and the pipeline's result (`summary_events.ts`);
 * this module only formats it.
 *
 * @module
 */
import type { Role } from "../domain/roles.ts";
import type { PlanStatus, TaskStatus } from "../domain/status.ts";
import { paint } from "./ansi.ts";
import { TASK_STATUSES } from "./dashboard_state.ts";
import { formatSeconds } from "./describe_event.ts";

/** One plan's outcome. */
export interface PlanSummary {
  filename: string;
  status: PlanStatus;
  completed: number;
  total: number;
  failed: number;
  /** Where the plan's code is (its workspace folder or git worktree). */
  workspace?: string;
  /** The plan's branch when it works in a git worktree. */
  branch?: string;
  /** Files the plan's tasks changed so far. */
  files?: number;
  /** Commits LAO made in the workspace during this run. */
  commits?: number;
}

/** A task that failed, with the findings that made it fail (one line each). */
export interface FailedTaskSummary {
  id: number;
  title: string;
  plan: string;
  findings: string[];
}

/** Everything the final summary reports. */
export interface RunSummary {
  tasksByStatus: Record<TaskStatus, number>;
  tokensByRole: Partial<Record<Role, { prompt: number; completion: number }>>;
  loads: number;
  unloads: number;
  swaps: number;
  /** Loads attributed to each plan and the fewest loads it could have needed. */
  loadsPerPlan?: Record<string, { loads: number; lowerBound: number }>;
  memoryGateSeconds: number;
  wallSeconds: number;
  plans: PlanSummary[];
  /** The run stopped on Ctrl+C (or another interrupt) with work left. */
  interrupted: boolean;
  /** Failed tasks and why. */
  failedTasks?: FailedTaskSummary[];
  /** Where the full reports are, when a plan has one (`LAO_QUALITY.md`). */
  reports?: string[];
  /** Task outcomes during this run: completions, failures, reworks after a review. */
  thisRun?: { completed: number; failed: number; reworked: number };
  /** Slot use per server and the sequential estimate (runs with slots; issue 16). */
  slots?: {
    servers: Record<string, { slots: number; busySeconds: number; availableSeconds: number }>;
    sequentialSeconds: number;
    wallSeconds: number;
  };
}

/** Options of {@linkcode formatSummary}. */
export interface SummaryFormatOptions {
  color: boolean;
}

function taskLine(summary: RunSummary, color: boolean): string {
  const parts = TASK_STATUSES.filter((s) => summary.tasksByStatus[s] > 0).map((s) => {
    const text = `${summary.tasksByStatus[s]} ${s}`;
    if (s === "failed") return paint(color, "red", text);
    return s === "completed" ? paint(color, "green", text) : text;
  });
  return `  tasks: ${parts.length ? parts.join(", ") : "none"}`;
}

function planLines(plan: PlanSummary): string[] {
  const failed = plan.failed ? `, ${plan.failed} failed` : "";
  const lines = [
    `    ${plan.filename}: ${plan.status}, ${plan.completed}/${plan.total} tasks completed${failed}`,
  ];
  if (plan.workspace) {
    const changes = [
      plan.files === undefined ? "" : `${plan.files} file(s)`,
      plan.commits === undefined ? "" : `${plan.commits} commit(s) this run`,
    ].filter(Boolean).join(", ");
    const branch = plan.branch ? ` on branch ${plan.branch}` : "";
    lines.push(`      code in ${plan.workspace}${branch}${changes ? ` (${changes})` : ""}`);
  }
  return lines;
}

function failedLines(summary: RunSummary, color: boolean): string[] {
  const failed = summary.failedTasks ?? [];
  if (!failed.length) return [];
  const lines = [paint(color, "red", `  failed tasks:`)];
  for (const t of failed) {
    lines.push(`    #${t.id} ${t.title} [${t.plan}]`);
    for (const f of t.findings) lines.push(`      ${f}`);
  }
  for (const r of summary.reports ?? []) lines.push(`    full report: ${r}`);
  return lines;
}

/** The command to run next, given how the run ended. */
export function nextStep(summary: RunSummary): string {
  if (summary.interrupted) return "lao run  (resumes where it stopped)";
  if ((summary.failedTasks ?? []).length || summary.tasksByStatus.failed > 0) {
    return "lao status  (why they failed), then lao retry-failed";
  }
  const left = summary.tasksByStatus.pending + summary.tasksByStatus.coding +
    summary.tasksByStatus.coded + summary.tasksByStatus.review;
  if (left) return "lao run  (tasks are still queued)";
  return "lao log PLAN  (the commits), or add a plan to plans/ and lao run";
}

const n = (x: number) => x.toLocaleString("en-US");

function tokenLines(summary: RunSummary): string[] {
  const roles = Object.entries(summary.tokensByRole);
  if (!roles.length) return ["  tokens: none"];
  let total = 0;
  const lines = roles.map(([role, use]) => {
    total += use.prompt + use.completion;
    return `    ${role}: ${n(use.prompt)} prompt + ${n(use.completion)} completion`;
  });
  return [`  tokens: ${n(total)} total`, ...lines];
}

function modelLines(summary: RunSummary): string[] {
  const lines = [
    `  models: ${summary.loads} load(s), ${summary.swaps} swap(s), ${summary.unloads} unload(s)`,
  ];
  for (const [plan, { loads, lowerBound }] of Object.entries(summary.loadsPerPlan ?? {})) {
    lines.push(`    ${plan}: ${loads} load(s), at least ${lowerBound} needed`);
  }
  return lines;
}

/** `slots: 2.4x over a sequential estimate of 4m 10s` and one line per server. */
export function slotLines(summary: Pick<RunSummary, "slots">): string[] {
  const u = summary.slots;
  if (!u) return [];
  const speed = u.wallSeconds > 0 ? (u.sequentialSeconds / u.wallSeconds).toFixed(1) : "-";
  const lines = [
    `  slots: ${speed}x over a sequential estimate of ${formatSeconds(u.sequentialSeconds)}`,
  ];
  for (const [name, s] of Object.entries(u.servers)) {
    const pct = s.availableSeconds > 0 ? Math.round((100 * s.busySeconds) / s.availableSeconds) : 0;
    lines.push(
      `    ${name}: ${s.slots} slot(s), ${pct}% busy (${formatSeconds(s.busySeconds)} of ` +
        `${formatSeconds(s.availableSeconds)} slot time)`,
    );
  }
  return lines;
}

/**
 * The summary as terminal lines.
 *
 * @example
 * ```ts
 * for (const line of formatSummary(summary, { color: output.color })) output.out(line);
 * ```
 */
export function formatSummary(summary: RunSummary, options: SummaryFormatOptions): string[] {
  const { color } = options;
  const title = summary.interrupted ? "LAO run interrupted" : "LAO run finished";
  const lines = [paint(color, "bold", title), taskLine(summary, color)];
  if (summary.plans.length) lines.push("  plans:", ...summary.plans.flatMap(planLines));
  lines.push(...failedLines(summary, color));
  lines.push(...tokenLines(summary), ...modelLines(summary));
  lines.push(`  memory gate: ${formatSeconds(summary.memoryGateSeconds)}`);
  lines.push(`  wall time: ${formatSeconds(summary.wallSeconds)}`, ...slotLines(summary));
  if (summary.interrupted) {
    const left = summary.tasksByStatus.pending + summary.tasksByStatus.coding +
      summary.tasksByStatus.coded + summary.tasksByStatus.review;
    const what = left ? `${left} task(s) left; run` : "Run";
    lines.push(paint(color, "yellow", `${what} \`lao run\` to resume where it stopped.`));
  } else lines.push(`  next: ${nextStep(summary)}`);
  return lines;
}
