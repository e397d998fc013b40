/**
 * The outcome policy of the coder and reviewer phases, as pure functions: given
 * the task as it was claimed and what the phase produced, decide the guarded
 * transition, the task patch, the reason users read in the log, the verdict of
 * the reviewer commit and the change to the task's deliverables. No I/O: the
 * phases (`code.ts`, `review.ts`, `task_phase.ts`) apply the decision.
 *
 * The rules:
 * - an approval completes the task and validates its deliverables;
 * - a rejection at its stage's cap fails the task (`max_attempts_reached`, or
 *   `repeated_validation_failure` for the validation gate);
 * - a rejection whose findings repeat on unchanged code fails the task
 *   (`no_progress_rework_loop`) once `no_progress_repeat_limit` attempts ran;
 * - any other rejection reworks the task: an attempt used, a cooldown of
 *   `base · 2^attempt` seconds, its deliverables back to `in_progress`;
 * - validation-gate rejections make no reviewer commit (nothing new to record:
 *   the coder commit holds the change); model verdicts do, and a failed task's
 *   commit says "failed";
 * - interrupts and setup problems hand the task back and stop the run;
 *   infrastructure failures hand it back and pause; they never use an attempt.
 *
 * @module
 */
import type { TaskRole } from "../domain/roles.ts";
import { errorMessage, InterruptedError, UserError } from "../errors.ts";
import { LlmError } from "../llm/errors.ts";
import type { Task, TaskPatch } from "../store/types.ts";
import { atCap, cooldownSeconds, type Transition } from "../store/task_machine.ts";
import { feedbackFindings, isNoProgress } from "../validate/repair.ts";

/** The configuration the policy reads (`orchestration.*`). */
export interface OutcomeLimits {
  retry_cap_coder: number;
  retry_cap_reviewer: number;
  retry_cap_validation: number;
  no_progress_repeat_limit: number;
  retry_cooldown_base_s: number;
}

/** The task facts the policy reads, as they were when the phase claimed the task. */
export type TaskFacts = Pick<
  Task,
  "attempt" | "max_attempts" | "feedback" | "prev_code_signature" | "code_signature"
>;

/** The verdict of a reviewer commit. */
export type CommitVerdict = "approved" | "rejected" | "failed";

/** What the reviewer phase produced. */
export type ReviewResult =
  | { kind: "approved"; summary: string }
  | {
    kind: "rejected";
    /** `validation` = the gate blocked; `review` = the model rejected. */
    stage: "validation" | "review";
    feedback: string;
  };

/** A decided outcome, applied by the phase runner. */
export interface Decision {
  transition: Transition;
  patch: TaskPatch;
  /** The reason on the `task.transition` event. */
  reason: string;
  /** The reviewer commit to make, or null for none. */
  commit: CommitVerdict | null;
  /** The new status of the task's deliverables, or null to leave them. */
  deliverables: "validated" | "in_progress" | null;
}

/** The phase a failure happened in. */
export type PhaseName = TaskRole;

/** What a phase failure means for the run. */
export type FailureKind =
  /** An interrupt or a setup problem: hand the task back, then rethrow. */
  | "stop"
  /** The model server failed: hand the task back and pause. */
  | "infra"
  /** The task's own failure: an attempt used, or the task failed at its cap. */
  | "task";

/** A decided phase failure. */
export interface FailureDecision {
  kind: FailureKind;
  transition: Transition;
  patch: TaskPatch;
  reason: string;
}

const HAND_BACK: Record<PhaseName, Transition> = {
  coder: "release_claim",
  reviewer: "recover_review",
};
const REWORK: Record<PhaseName, Transition> = { coder: "coder_rework", reviewer: "review_rework" };
const FAIL: Record<PhaseName, Transition> = { coder: "coder_fail", reviewer: "review_fail" };
const LABEL: Record<PhaseName, string> = { coder: "Coder", reviewer: "Reviewer" };

/** The moment a rework's cooldown ends: `now + base · 2^attempt` seconds. */
export function cooldownEnd(limits: OutcomeLimits, attempt: number, now: Date): string {
  const s = cooldownSeconds(limits.retry_cooldown_base_s, attempt);
  return new Date(now.getTime() + s * 1000).toISOString();
}

/** A transition reason with the first finding that caused it, as users read it in the log. */
export function withFinding(reason: string, feedback: string): string {
  const first = feedbackFindings(feedback, 1)[0];
  return first ? `${reason}: ${first}` : reason;
}

function reworkPatch(
  task: TaskFacts,
  limits: OutcomeLimits,
  feedback: string,
  now: Date,
): TaskPatch {
  return {
    feedback,
    attempt: task.attempt + 1,
    next_eligible_at: cooldownEnd(limits, task.attempt, now),
  };
}

/** True when a rejection repeats the previous findings on unchanged code (see `isNoProgress`). */
export function isStuck(task: TaskFacts, feedback: string, limits: OutcomeLimits): boolean {
  return task.attempt + 1 >= limits.no_progress_repeat_limit &&
    isNoProgress({
      previousFeedback: task.feedback,
      newFeedback: feedback,
      previousCodeSignature: task.prev_code_signature,
      currentCodeSignature: task.code_signature,
    });
}

/** Decides what a review result does to the task (see the module rules). */
export function decideReview(
  task: TaskFacts,
  result: ReviewResult,
  limits: OutcomeLimits,
  now: Date,
): Decision {
  if (result.kind === "approved") {
    return {
      transition: "approve",
      patch: { feedback: result.summary || null },
      reason: "approved",
      commit: "approved",
      deliverables: "validated",
    };
  }
  const validation = result.stage === "validation";
  const commitOr = (verdict: CommitVerdict) => validation ? null : verdict;
  const cap = validation ? limits.retry_cap_validation : limits.retry_cap_reviewer;
  if (atCap(task.attempt, task.max_attempts, cap)) {
    const reason = validation ? "repeated_validation_failure" : "max_attempts_reached";
    const prefix = validation
      ? "Validation gate failed after retries:\n"
      : "Max attempts reached. Last feedback: ";
    return {
      transition: "review_fail",
      patch: { feedback: prefix + result.feedback, escalation_reason: reason },
      reason: withFinding(reason, result.feedback),
      commit: commitOr("failed"),
      deliverables: null,
    };
  }
  if (isStuck(task, result.feedback, limits)) {
    return {
      transition: "review_fail",
      patch: {
        feedback: `No progress: the same problems came back on unchanged code.\n${result.feedback}`,
        escalation_reason: "no_progress_rework_loop",
      },
      reason: withFinding("no_progress_rework_loop", result.feedback),
      commit: commitOr("failed"),
      deliverables: null,
    };
  }
  const feedback = validation ? `Validation gate failed:\n${result.feedback}` : result.feedback;
  return {
    transition: "review_rework",
    patch: reworkPatch(task, limits, feedback, now),
    reason: withFinding(
      validation ? "validation gate rejected" : "reviewer rejected",
      result.feedback,
    ),
    commit: commitOr("rejected"),
    deliverables: "in_progress",
  };
}

/** How a merge-conflict feedback starts (a second conflict in a row uses an attempt). */
export const CONFLICT_FEEDBACK = "Merge conflict with approved work";

/**
 * An approved task whose commits conflict with the plan branch (issue 16):
 * back to the queue with the conflict as feedback, on the current code. The
 * first conflict uses no attempt and waits no cooldown; a conflict right after
 * one is a rework like any rejection (or a failure at the cap).
 */
export function decideConflict(
  task: TaskFacts & Pick<Task, "diff">,
  conflict: { files: string[]; message: string },
  limits: OutcomeLimits,
  now: Date,
): Decision {
  const where = conflict.files.length ? ` in ${conflict.files.join(", ")}` : "";
  const feedback = `${CONFLICT_FEEDBACK}${where}: another task changed the same lines ` +
    `first and its change is now in the files. Make your change again on top of it.` +
    (conflict.message ? `\n${conflict.message}` : "") +
    (task.diff ? `\nYour previous change (not applied):\n${task.diff.slice(0, 4000)}` : "");
  const repeated = task.feedback?.startsWith(CONFLICT_FEEDBACK) ?? false;
  if (!repeated) {
    return {
      transition: "review_rework",
      patch: { feedback, next_eligible_at: null },
      reason: `merge conflict${where}: reworked, no attempt used`,
      commit: null,
      deliverables: "in_progress",
    };
  }
  return decideReview(task, { kind: "rejected", stage: "review", feedback }, limits, now);
}

/** Sorts an error thrown by a phase into {@linkcode FailureKind}. */
export function failureKind(err: unknown): FailureKind {
  if (err instanceof InterruptedError || err instanceof UserError) return "stop";
  // A refused API key stops the run: pausing for the server cannot fix it.
  if (err instanceof LlmError && err.kind === "auth_failed") return "stop";
  if (err instanceof LlmError && err.infrastructure) return "infra";
  return "task";
}

/** Decides what an error thrown by `phase` does to the task (see the module rules). */
export function decideFailure(
  task: TaskFacts,
  phase: PhaseName,
  err: unknown,
  limits: OutcomeLimits,
  now: Date,
): FailureDecision {
  const kind = failureKind(err);
  if (kind === "stop") {
    return { kind, transition: HAND_BACK[phase], patch: {}, reason: errorMessage(err) };
  }
  if (kind === "infra") {
    return {
      kind,
      transition: HAND_BACK[phase],
      patch: {},
      reason: `paused: ${errorMessage(err)}`,
    };
  }
  const message = `${LABEL[phase]} error: ${errorMessage(err)}`;
  const cap = phase === "coder" ? limits.retry_cap_coder : limits.retry_cap_reviewer;
  if (atCap(task.attempt, task.max_attempts, cap)) {
    return {
      kind,
      transition: FAIL[phase],
      patch: { feedback: message, escalation_reason: `${phase}_exception` },
      reason: message,
    };
  }
  return {
    kind,
    transition: REWORK[phase],
    patch: reworkPatch(task, limits, message, now),
    reason: message,
  };
}
