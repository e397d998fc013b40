/**
 * Runs one task through one phase and applies the outcome decided by
 * `outcome_policy.ts`: guarded transitions, attempt caps, rework cooldowns,
 * no-progress detection and git commits. Infrastructure failures (server
 * down, load refused) hand the task back untouched — they never consume an
 * attempt. Once a phase's outcome is applied, a later failure (a commit) is
 * a warning, not a second outcome.
 *
 * @module
 */
import { runCoder } from "../agents/coder.ts";
import { runReviewer } from "../agents/reviewer.ts";
import { errorMessage, ExitCode, UserError } from "../errors.ts";
import { LlmError } from "../llm/errors.ts";
import type { PlanRow, Task } from "../store/store.ts";
import type { PipelineDeps } from "./deps.ts";
import { decideFailure, decideReview, failureKind, type PhaseName } from "./outcome_policy.ts";
import { codeSignature } from "../validate/repair.ts";

/** How a phase ended for the scheduler. */
export type PhaseResult =
  | { kind: "done" }
  | { kind: "infra"; error: string }
  | { kind: "skipped" };

function planOf(deps: PipelineDeps, task: Task): PlanRow & { workspace: string } {
  const plan = deps.store.getPlan(task.plan_id);
  if (!plan?.workspace) throw new Error(`task #${task.id}: plan ${task.plan_id} has no workspace`);
  return { ...plan, workspace: plan.workspace };
}

async function signatureOf(deps: PipelineDeps, workspace: string, paths: string[]) {
  const fs = await deps.workspaceFs(workspace);
  const files: { path: string; content: string }[] = [];
  for (const path of [...new Set(paths)].sort()) {
    try {
      files.push({ path, content: await fs.readText(path) });
    } catch {
      // A file the task deleted (or cannot read) has no content to sign.
    }
  }
  return files.length ? codeSignature(files) : "";
}

function emitStart(deps: PipelineDeps, phase: PhaseName, plan: PlanRow, task: Task) {
  deps.emit({
    type: "phase.start",
    phase,
    planId: plan.id,
    taskId: task.id,
    title: task.title,
    attempt: task.attempt + 1,
    maxAttempts: task.max_attempts,
  });
}

function emitEnd(deps: PipelineDeps, phase: PhaseName, plan: PlanRow, task: Task, ok: boolean) {
  deps.emit({ type: "phase.end", phase, planId: plan.id, taskId: task.id, ok });
}

/**
 * A phase threw before its outcome was applied: interrupts and setup problems
 * hand the task back and rethrow; infrastructure failures hand it back and
 * pause; anything else uses an attempt (or fails the task at its cap).
 */
function phaseFailed(deps: PipelineDeps, task: Task, phase: PhaseName, err: unknown): PhaseResult {
  const d = decideFailure(task, phase, err, deps.config.orchestration, deps.now());
  deps.store.transition(task.id, d.transition, d.patch, d.reason);
  if (d.kind === "stop") {
    // Setup problems reach the CLI as one line (a refused API key is an LlmError).
    throw err instanceof LlmError
      ? new UserError(err.message, ExitCode.Failure, { cause: err })
      : err;
  }
  if (d.kind === "infra") return { kind: "infra", error: errorMessage(err) };
  return { kind: "done" };
}

/**
 * Something after the applied outcome threw (a commit): the task keeps its
 * outcome. Interrupts and setup problems still stop the run.
 */
function afterOutcome(deps: PipelineDeps, task: Task, step: string, err: unknown): PhaseResult {
  if (failureKind(err) === "stop") throw err;
  deps.emit({
    type: "log",
    level: "warn",
    message: `task #${task.id}: ${step} failed: ${errorMessage(err)}`,
    source: "pipeline",
  });
  return { kind: "done" };
}

/** Codes one pending task (claims it first). */
export async function codeTask(deps: PipelineDeps, task: Task): Promise<PhaseResult> {
  const plan = planOf(deps, task);
  if (!deps.store.transition(task.id, "start_coding")) return { kind: "skipped" };
  emitStart(deps, "coder", plan, task);
  let files: string[];
  try {
    const out = await runCoder(deps, plan, task);
    const signature = await signatureOf(deps, plan.workspace, [
      ...out.changedFiles,
      ...task.file_paths,
    ]);
    const listing = out.changedFiles.length
      ? `\n\nFiles changed: ${out.changedFiles.join(", ")}`
      : "";
    deps.store.transition(task.id, "finish_coding", {
      coder_output: out.summary + listing,
      changed_files: out.changedFiles,
      diff: out.diff,
      prev_code_signature: task.code_signature,
      code_signature: signature,
    });
    files = out.changedFiles;
  } catch (err) {
    emitEnd(deps, "coder", plan, task, false);
    return phaseFailed(deps, task, "coder", err);
  }
  emitEnd(deps, "coder", plan, task, true);
  try {
    await deps.git(plan.workspace, plan.id).commitCoder({
      planId: plan.id,
      taskId: task.id,
      title: task.title,
      files,
    });
  } catch (err) {
    return afterOutcome(deps, task, "the coder commit", err);
  }
  return { kind: "done" };
}

/** Reviews one coded task. */
export async function reviewTask(deps: PipelineDeps, task: Task): Promise<PhaseResult> {
  const plan = planOf(deps, task);
  if (!deps.store.transition(task.id, "start_review")) return { kind: "skipped" };
  emitStart(deps, "reviewer", plan, task);
  let decision;
  try {
    const outcome = await runReviewer(deps, plan, task);
    decision = decideReview(task, outcome, deps.config.orchestration, deps.now());
    deps.store.transition(task.id, decision.transition, decision.patch, decision.reason);
  } catch (err) {
    emitEnd(deps, "reviewer", plan, task, false);
    return phaseFailed(deps, task, "reviewer", err);
  }
  emitEnd(deps, "reviewer", plan, task, true);
  try {
    if (decision.deliverables) {
      deps.store.setDeliverableStatus(plan.id, task.deliverable_ids, decision.deliverables);
    }
    if (decision.commit) {
      await deps.git(plan.workspace, plan.id).commitReview({
        planId: plan.id,
        taskId: task.id,
        title: task.title,
        verdict: decision.commit,
      });
    }
  } catch (err) {
    return afterOutcome(deps, task, "recording the review", err);
  }
  return { kind: "done" };
}
