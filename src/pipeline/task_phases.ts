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
import { errorMessage, InterruptedError } from "../errors.ts";
import { LlmError } from "../llm/errors.ts";
import type { PlanRow, Task } from "../store/store.ts";
import { atCap, cooldownSeconds } from "../store/task_machine.ts";
import type { PipelineDeps } from "./deps.ts";
import { codeSignature, isNoProgress } from "./validate/repair.ts";

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

/** Codes one pending task (claims it first). */
export async function codeTask(deps: PipelineDeps, task: Task): Promise<PhaseResult> {
  const plan = planOf(deps, task);
  if (!deps.store.transition(task.id, "start_coding")) return { kind: "skipped" };
  const o = deps.config.orchestration;
  deps.emit({
    type: "phase.start",
    phase: "coder",
    planId: plan.id,
    taskId: task.id,
    title: task.title,
    attempt: task.attempt + 1,
    maxAttempts: task.max_attempts,
  });
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
    deps.emit({ type: "phase.end", phase: "coder", planId: plan.id, taskId: task.id, ok: true });
    return { kind: "done" };
  } catch (err) {
    deps.emit({ type: "phase.end", phase: "coder", planId: plan.id, taskId: task.id, ok: false });
    if (err instanceof InterruptedError) {
      deps.store.transition(task.id, "release_claim", {}, "interrupted");
      throw err;
    }
    if (isInfra(err)) {
      deps.store.transition(task.id, "release_claim", {}, `paused: ${err.message}`);
      return { kind: "infra", error: err.message };
    }
    const message = `Coder error: ${errorMessage(err)}`;
    if (atCap(task.attempt, task.max_attempts, o.retry_cap_coder)) {
      deps.store.transition(task.id, "coder_fail", {
        feedback: message,
        escalation_reason: "coder_exception",
      }, message);
    } else {
      deps.store.transition(task.id, "coder_rework", {
        feedback: message,
        attempt: task.attempt + 1,
        next_eligible_at: cooldownIso(deps, task.attempt),
      }, message);
    }
    return { kind: "done" };
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
  deps.emit({
    type: "phase.start",
    phase: "reviewer",
    planId: plan.id,
    taskId: task.id,
    title: task.title,
    attempt: task.attempt + 1,
    maxAttempts: task.max_attempts,
  });
  try {
    const outcome = await runReviewer(deps, plan, task);
    deps.emit({ type: "phase.end", phase: "reviewer", planId: plan.id, taskId: task.id, ok: true });
    if (outcome.kind === "approved") {
      deps.store.transition(task.id, "approve", { feedback: outcome.summary || null }, "approved");
      await commit("approved");
      return { kind: "done" };
    }
    const validation = outcome.stage === "validation";
    const cap = validation ? o.retry_cap_validation : o.retry_cap_reviewer;
    const stuck = task.attempt + 1 >= o.no_progress_repeat_limit &&
      isNoProgress({
        previousFeedback: task.feedback,
        newFeedback: outcome.feedback,
        previousCodeSignature: task.prev_code_signature,
        currentCodeSignature: task.code_signature,
      });
    if (atCap(task.attempt, task.max_attempts, cap)) {
      const reason = validation ? "repeated_validation_failure" : "max_attempts_reached";
      const prefix = validation
        ? "Validation gate failed after retries:\n"
        : "Max attempts reached. Last feedback: ";
      deps.store.transition(task.id, "review_fail", {
        feedback: prefix + outcome.feedback,
        escalation_reason: reason,
      }, reason);
      if (!validation) await commit("failed");
    } else if (stuck) {
      deps.store.transition(task.id, "review_fail", {
        feedback:
          `No progress: the same problems came back on unchanged code.\n${outcome.feedback}`,
        escalation_reason: "no_progress_rework_loop",
      }, "no_progress_rework_loop");
      if (!validation) await commit("rejected");
    } else {
      const feedback = validation
        ? `Validation gate failed:\n${outcome.feedback}`
        : outcome.feedback;
      deps.store.transition(task.id, "review_rework", {
        feedback,
        attempt: task.attempt + 1,
        next_eligible_at: cooldownIso(deps, task.attempt),
      }, validation ? "validation gate rejected" : "reviewer rejected");
      if (!validation) await commit("rejected");
    }
    return { kind: "done" };
  } catch (err) {
    deps.emit({
      type: "phase.end",
      phase: "reviewer",
      planId: plan.id,
      taskId: task.id,
      ok: false,
    });
    if (err instanceof InterruptedError) {
      deps.store.transition(task.id, "recover_review", {}, "interrupted");
      throw err;
    }
    if (isInfra(err)) {
      deps.store.transition(task.id, "recover_review", {}, `paused: ${err.message}`);
      return { kind: "infra", error: err.message };
    }
    const message = `Reviewer error: ${errorMessage(err)}`;
    if (atCap(task.attempt, task.max_attempts, o.retry_cap_reviewer)) {
      deps.store.transition(task.id, "review_fail", {
        feedback: message,
        escalation_reason: "reviewer_exception",
      }, message);
    } else {
      deps.store.transition(task.id, "review_rework", {
        feedback: message,
        attempt: task.attempt + 1,
        next_eligible_at: cooldownIso(deps, task.attempt),
      }, message);
    }
    return { kind: "done" };
  }
}
