/**
 * Runs one task through one phase and applies the outcome: guarded
 * transitions, attempt caps, rework cooldowns, no-progress detection and git
 * commits. Infrastructure failures (server down, load refused) hand the task
 * back untouched — they never consume an attempt.
 *
 * @module
 */
import { runCoder } from "../agents/coder.ts";
import { runReviewer } from "../agents/reviewer.ts";
import { errorMessage, InterruptedError, UserError } from "../errors.ts";
import { LlmError } from "../llm/errors.ts";
import type { PlanRow, Task } from "../store/store.ts";
import { atCap, cooldownSeconds } from "../store/task_machine.ts";
import type { PipelineDeps } from "./deps.ts";
import { codeSignature, feedbackFindings, isNoProgress } from "./validate/repair.ts";

/** How a phase ended for the scheduler. */
export type PhaseResult =
  | { kind: "done" }
  | { kind: "infra"; error: string }
  | { kind: "skipped" };

function isInfra(err: unknown): err is LlmError {
  return err instanceof LlmError && err.infrastructure;
}

function planOf(deps: PipelineDeps, task: Task): PlanRow {
  const plan = deps.store.getPlan(task.plan_id);
  if (!plan?.workspace) throw new Error(`task #${task.id}: plan ${task.plan_id} has no workspace`);
  return plan;
}

function cooldownIso(deps: PipelineDeps, attempt: number): string {
  const s = cooldownSeconds(deps.config.orchestration.retry_cooldown_base_s, attempt);
  return new Date(deps.now().getTime() + s * 1000).toISOString();
}

async function signatureOf(deps: PipelineDeps, workspace: string, paths: string[]) {
  const fs = await deps.workspaceFs(workspace);
  const files: { path: string; content: string }[] = [];
  for (const path of [...new Set(paths)].sort()) {
    try {
      files.push({ path, content: await fs.readText(path) });
    } catch {
      // missing files simply do not contribute
    }
  }
  return files.length ? codeSignature(files) : "";
}

/** What differs between the coder and reviewer stages when a phase fails. */
interface Stage {
  phase: "coder" | "reviewer";
  label: string;
  /** Hands the task back untouched (interrupt, infrastructure). */
  handBack: "release_claim" | "recover_review";
  rework: "coder_rework" | "review_rework";
  fail: "coder_fail" | "review_fail";
  failReason: string;
  cap: (o: PipelineDeps["config"]["orchestration"]) => number;
}

const CODER: Stage = {
  phase: "coder",
  label: "Coder",
  handBack: "release_claim",
  rework: "coder_rework",
  fail: "coder_fail",
  failReason: "coder_exception",
  cap: (o) => o.retry_cap_coder,
};

const REVIEWER: Stage = {
  phase: "reviewer",
  label: "Reviewer",
  handBack: "recover_review",
  rework: "review_rework",
  fail: "review_fail",
  failReason: "reviewer_exception",
  cap: (o) => o.retry_cap_reviewer,
};

function emitPhase(deps: PipelineDeps, stage: Stage, plan: PlanRow, task: Task, ok?: boolean) {
  if (ok === undefined) {
    deps.emit({
      type: "phase.start",
      phase: stage.phase,
      planId: plan.id,
      taskId: task.id,
      title: task.title,
      attempt: task.attempt + 1,
      maxAttempts: task.max_attempts,
    });
  } else {
    deps.emit({ type: "phase.end", phase: stage.phase, planId: plan.id, taskId: task.id, ok });
  }
}

/** A transition reason with the first finding that caused it, as users read it in the log. */
function withFinding(reason: string, feedback: string): string {
  const first = feedbackFindings(feedback, 1)[0];
  return first ? `${reason}: ${first}` : reason;
}

/** Puts a task back to pending with feedback, an attempt used and a cooldown. */
function rework(deps: PipelineDeps, task: Task, stage: Stage, feedback: string, reason: string) {
  deps.store.transition(task.id, stage.rework, {
    feedback,
    attempt: task.attempt + 1,
    next_eligible_at: cooldownIso(deps, task.attempt),
  }, reason);
}

/**
 * A phase threw: interrupts and infrastructure failures hand the task back
 * untouched; anything else uses an attempt (or fails the task at its cap).
 */
function phaseFailed(deps: PipelineDeps, task: Task, stage: Stage, err: unknown): PhaseResult {
  if (err instanceof InterruptedError || err instanceof UserError) {
    // An interrupt, or a problem of the setup (not of the task): hand it back and stop.
    deps.store.transition(task.id, stage.handBack, {}, errorMessage(err));
    throw err;
  }
  if (isInfra(err)) {
    deps.store.transition(task.id, stage.handBack, {}, `paused: ${err.message}`);
    return { kind: "infra", error: err.message };
  }
  const message = `${stage.label} error: ${errorMessage(err)}`;
  if (atCap(task.attempt, task.max_attempts, stage.cap(deps.config.orchestration))) {
    deps.store.transition(task.id, stage.fail, {
      feedback: message,
      escalation_reason: stage.failReason,
    }, message);
  } else rework(deps, task, stage, message, message);
  return { kind: "done" };
}

/** Codes one pending task (claims it first). */
export async function codeTask(deps: PipelineDeps, task: Task): Promise<PhaseResult> {
  const plan = planOf(deps, task);
  if (!deps.store.transition(task.id, "start_coding")) return { kind: "skipped" };
  emitPhase(deps, CODER, plan, task);
  try {
    const out = await runCoder(deps, plan, task);
    const signature = await signatureOf(deps, plan.workspace!, [
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
    await deps.git(plan.workspace!, plan.id).commitCoder({
      planId: plan.id,
      taskId: task.id,
      title: task.title,
      files: out.changedFiles,
    });
    emitPhase(deps, CODER, plan, task, true);
    return { kind: "done" };
  } catch (err) {
    emitPhase(deps, CODER, plan, task, false);
    return phaseFailed(deps, task, CODER, err);
  }
}

/** Reviews one coded task. */
export async function reviewTask(deps: PipelineDeps, task: Task): Promise<PhaseResult> {
  const plan = planOf(deps, task);
  if (!deps.store.transition(task.id, "start_review")) return { kind: "skipped" };
  const o = deps.config.orchestration;
  const git = deps.git(plan.workspace!, plan.id);
  const commit = (verdict: "approved" | "rejected" | "failed") =>
    git.commitReview({ planId: plan.id, taskId: task.id, title: task.title, verdict });
  emitPhase(deps, REVIEWER, plan, task);
  try {
    const outcome = await runReviewer(deps, plan, task);
    emitPhase(deps, REVIEWER, plan, task, true);
    if (outcome.kind === "approved") {
      deps.store.transition(task.id, "approve", { feedback: outcome.summary || null }, "approved");
      deps.store.setDeliverableStatus(plan.id, task.deliverable_ids, "validated");
      await commit("approved");
      return { kind: "done" };
    }
    // Validation-gate rejections make no commit (spec §6); model rejections do.
    const validation = outcome.stage === "validation";
    const cap = validation ? o.retry_cap_validation : o.retry_cap_reviewer;
    const stuck = task.attempt + 1 >= o.no_progress_repeat_limit &&
      isNoProgress({
        previousFeedback: task.feedback,
        newFeedback: outcome.feedback,
        previousCodeSignature: task.prev_code_signature,
        currentCodeSignature: task.code_signature,
      });
    let verdict: "rejected" | "failed" = "rejected";
    if (atCap(task.attempt, task.max_attempts, cap)) {
      const reason = validation ? "repeated_validation_failure" : "max_attempts_reached";
      const prefix = validation
        ? "Validation gate failed after retries:\n"
        : "Max attempts reached. Last feedback: ";
      deps.store.transition(task.id, "review_fail", {
        feedback: prefix + outcome.feedback,
        escalation_reason: reason,
      }, withFinding(reason, outcome.feedback));
      verdict = "failed";
    } else if (stuck) {
      deps.store.transition(task.id, "review_fail", {
        feedback:
          `No progress: the same problems came back on unchanged code.\n${outcome.feedback}`,
        escalation_reason: "no_progress_rework_loop",
      }, withFinding("no_progress_rework_loop", outcome.feedback));
      verdict = "failed";
    } else {
      deps.store.setDeliverableStatus(plan.id, task.deliverable_ids, "in_progress");
      rework(
        deps,
        task,
        REVIEWER,
        validation ? `Validation gate failed:\n${outcome.feedback}` : outcome.feedback,
        withFinding(
          validation ? "validation gate rejected" : "reviewer rejected",
          outcome.feedback,
        ),
      );
    }
    if (!validation) await commit(verdict);
    return { kind: "done" };
  } catch (err) {
    emitPhase(deps, REVIEWER, plan, task, false);
    return phaseFailed(deps, task, REVIEWER, err);
  }
}
