/**
 * The review phase: claims a coded task, runs the static validators and the
 * quality gate (no model call when the gate blocks), then the reviewer model
 * on the task's real diff; stores the findings and validation runs of the
 * attempt, applies the decision of `outcome_policy.ts` (approve, rework with
 * a cooldown, or fail), updates the task's deliverables and makes the
 * reviewer commit.
 *
 * @module
 */
import type { ModelPort } from "../agents/model_port.ts";
import type { Verdict } from "../agents/parse/verdict.ts";
import { askReviewer } from "../agents/reviewer.ts";
import { afterCommits, commitReviewSoon } from "../git/background.ts";
import type { PlanGitPort } from "../git/port.ts";
import type { Store, Task } from "../store/store.ts";
import type { WorkspaceFs } from "../workspace/workspace_fs.ts";
import type { RunCommand } from "../validate/command_runner.ts";
import type { Finding } from "../validate/finding.ts";
import type { PythonBatchChecker } from "../validate/python_check.ts";
import { evaluateGate } from "../validate/gate.ts";
import { buildRepairFeedback } from "../validate/repair.ts";
import { validateFiles } from "../validate/validate_files.ts";
import { decideConflict, decideReview, type ReviewResult } from "./outcome_policy.ts";
import {
  afterOutcome,
  emitEnd,
  emitStart,
  phaseFailed,
  type PhaseResult,
  type PlacedPlan,
  planOf,
  type TaskPhasePorts,
} from "./task_phase.ts";

/** What the review phase uses. */
export interface ReviewPorts extends TaskPhasePorts {
  store: Pick<
    Store,
    "getPlan" | "transition" | "addFindings" | "addValidationRun" | "setDeliverableStatus"
  >;
  model: ModelPort;
  /** Guarded file access to a plan workspace. */
  workspaceFs: (workspace: string) => Promise<WorkspaceFs>;
  /** Runs a validation command in a workspace (sandboxed), or undefined to skip commands. */
  validationCommand?: (workspace: string) => RunCommand | undefined;
  /** The run's Python syntax checker; absent: one python3 process per pass. */
  python?: { check: PythonBatchChecker };
  /** Git for a plan workspace (a no-op implementation when git is off). */
  git: (workspace: string, planId: string) => PlanGitPort;
  signal: AbortSignal;
  /**
   * Brings an approved task's commits onto the plan branch before the approval
   * is applied (the task coded in its own worktree; issue 16); absent: the
   * task coded in the plan workspace itself.
   */
  integrate?: (plan: PlacedPlan, task: Task) => Promise<Integration>;
}

/** What {@linkcode ReviewPorts.integrate} did: applied, or the conflict that stopped it. */
export type Integration =
  | { ok: true }
  | {
    ok: false;
    files: string[];
    message: string;
    /** Starts the task again on the plan's latest work; called once its rework is recorded. */
    restart?: () => Promise<void>;
  };

/** Reviews one coded task. */
export async function reviewTask(ports: ReviewPorts, task: Task): Promise<PhaseResult> {
  const plan = planOf(ports, task);
  if (!ports.store.transition(task.id, "start_review")) return { kind: "skipped" };
  emitStart(ports, "reviewer", plan, task);
  let decision;
  try {
    const result = await review(ports, plan, task);
    decision = decideReview(task, result, ports.config.orchestration, ports.now());
    let restart: (() => Promise<void>) | undefined;
    if (decision.transition === "approve" && ports.integrate) {
      const merged = await ports.integrate(plan, task);
      if (!merged.ok) {
        decision = decideConflict(task, merged, ports.config.orchestration, ports.now());
        restart = merged.restart;
      }
    }
    const recorded = ports.store.transition(
      task.id,
      decision.transition,
      decision.patch,
      decision.reason,
    );
    // Only once the rework is recorded does the task's work leave its worktree or copy: a crash
    // before this point leaves it there for the restarted review.
    if (recorded && restart) await restart();
  } catch (err) {
    emitEnd(ports, "reviewer", plan, task, false);
    return phaseFailed(ports, task, "reviewer", err);
  }
  emitEnd(ports, "reviewer", plan, task, true);
  try {
    if (decision.deliverables) {
      ports.store.setDeliverableStatus(plan.id, task.deliverable_ids, decision.deliverables);
    }
    if (decision.commit) {
      // Queued: it lands in the background (git/commit_queue.ts), or now where it cannot be queued.
      await commitReviewSoon(ports.git(plan.workspace, plan.id), {
        planId: plan.id,
        taskId: task.id,
        title: task.title,
        verdict: decision.commit,
      });
    }
  } catch (err) {
    return afterOutcome(ports, task, "recording the review", err);
  }
  return { kind: "done" };
}

/** Validators and gate, then the model; the findings of each are stored. */
async function review(ports: ReviewPorts, plan: PlacedPlan, task: Task): Promise<ReviewResult> {
  if (!task.coder_output) {
    return { kind: "rejected", stage: "validation", feedback: "No coder output found." };
  }
  const fs = await ports.workspaceFs(plan.workspace);
  const blocking = await validate(ports, plan, task, fs);
  if (blocking) {
    return {
      kind: "rejected",
      stage: "validation",
      feedback: buildRepairFeedback(blocking, { clause: "Validation Contract" }),
    };
  }
  const verdict = await askReviewer(
    { model: ports.model, settings: ports.config.models.reviewer, fs },
    plan.id,
    task,
  );
  const findings = verdict.findings.map(toFinding);
  ports.store.addFindings(task.id, task.attempt, findings);
  return verdictResult(verdict, findings);
}

/** Runs the validators and stores their findings and runs; the gate's blocking findings, if any. */
async function validate(
  ports: ReviewPorts,
  plan: PlacedPlan,
  task: Task,
  fs: WorkspaceFs,
): Promise<Finding[] | null> {
  const files = task.changed_files.length ? task.changed_files : task.file_paths;
  // A command may change files: it waits for the workspace's queued commits first.
  const command = ports.validationCommand?.(plan.workspace);
  const runCommand = command && afterCommits(command, ports.git(plan.workspace, plan.id));
  const validation = await validateFiles({
    fs,
    files,
    orchestration: ports.config.orchestration,
    ...(runCommand ? { runCommand } : { inferCommands: false }),
    ...(ports.python ? { pythonBatch: ports.python.check } : {}),
    now: ports.now,
    signal: ports.signal,
    emit: ports.emit,
  });
  ports.store.addFindings(task.id, task.attempt, validation.findings);
  for (const r of validation.runs) {
    ports.store.addValidationRun({
      taskId: task.id,
      attempt: task.attempt,
      kind: r.kind,
      command: r.command,
      returnCode: r.exitCode,
      success: r.success,
      output: r.output,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
    });
  }
  const gate = evaluateGate(validation.findings, ports.config.orchestration);
  return gate.blocked ? gate.blocking : null;
}

/** The model's verdict as a review result (an unreadable answer is a rejection that says so). */
function verdictResult(verdict: Verdict, findings: Finding[]): ReviewResult {
  if (verdict.verdict === "approved") return { kind: "approved", summary: verdict.summary };
  const fallback = verdict.verdict === "unparseable"
    ? `The reviewer's answer could not be read: ${verdict.summary.slice(0, 500)}`
    : verdict.summary;
  const blocking = findings.filter((f) => f.severity === "critical" || f.severity === "major");
  return {
    kind: "rejected",
    stage: "review",
    feedback: buildRepairFeedback(blocking.length ? blocking : findings, {
      clause: "Reviewer Contract",
      ...(fallback ? { fallback } : {}),
    }),
  };
}

function toFinding(f: Verdict["findings"][number]): Finding {
  return {
    source: "reviewer",
    severity: f.severity,
    file_path: f.file_path,
    issue_class: f.issue_class,
    message: f.message,
    ...(f.fix_hint ? { fix_hint: f.fix_hint } : {}),
    analyzer_id: "reviewer_model",
    analyzer_kind: "llm",
    confidence: 0.65,
  };
}
