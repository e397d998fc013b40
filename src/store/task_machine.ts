/**
 * The task state machine. Pure: the store applies these rules as
 * guarded updates (`... WHERE status = expected`).
 *
 * @module
 */
import { TASK_STATUSES, type TaskStatus } from "../domain/status.ts";

export { TASK_STATUSES };

/** Why a task moves; each maps to exactly one legal from → to pair. */
export type Transition =
  | "start_coding"
  | "finish_coding"
  | "coder_rework"
  | "coder_fail"
  | "start_review"
  | "approve"
  | "review_rework"
  | "review_fail"
  | "dependency_failed"
  | "retry"
  | "recover_coding"
  | "recover_review"
  | "release_claim"
  | "supersede"
  | "undo_completed"
  | "undo_coded"
  | "cancel_pending"
  | "cancel_failed"
  | "cancel_coded"
  | "cancel_completed";

/** The legal transitions: name → [from, to]. */
export const TRANSITIONS: Readonly<Record<Transition, readonly [TaskStatus, TaskStatus]>> = {
  start_coding: ["pending", "coding"],
  finish_coding: ["coding", "coded"],
  coder_rework: ["coding", "pending"],
  coder_fail: ["coding", "failed"],
  start_review: ["coded", "review"],
  approve: ["review", "completed"],
  review_rework: ["review", "pending"],
  review_fail: ["review", "failed"],
  dependency_failed: ["pending", "failed"],
  retry: ["failed", "pending"],
  recover_coding: ["coding", "pending"],
  recover_review: ["review", "coded"],
  release_claim: ["coding", "pending"],
  supersede: ["pending", "failed"],
  undo_completed: ["completed", "pending"],
  undo_coded: ["coded", "pending"],
  // A revision removed or redid the task's plan section (`cancelled` is terminal, never coded).
  cancel_pending: ["pending", "cancelled"],
  cancel_failed: ["failed", "cancelled"],
  cancel_coded: ["coded", "cancelled"],
  cancel_completed: ["completed", "cancelled"],
};

/** The transition that cancels a task in `status`, if it can be cancelled (not while in work). */
export function cancelTransition(status: TaskStatus): Transition | null {
  const found = (Object.entries(TRANSITIONS) as [Transition, readonly [TaskStatus, TaskStatus]][])
    .find(([name, [from, to]]) =>
      to === "cancelled" && from === status && name.startsWith("cancel")
    );
  return found ? found[0] : null;
}

/** True when a task may move directly from `from` to `to`. */
export function isLegal(from: TaskStatus, to: TaskStatus): boolean {
  return Object.values(TRANSITIONS).some(([f, t]) => f === from && t === to);
}

/** Statuses that end a task's life (until a retry). */
export function isTerminal(status: TaskStatus): boolean {
  return status === "completed" || status === "failed" || status === "cancelled";
}

/**
 * The cap rule used everywhere: fail instead of rework when
 * `attempt + 1 >= min(maxAttempts, stageCap)`.
 */
export function atCap(attempt: number, maxAttempts: number, stageCap: number): boolean {
  return attempt + 1 >= Math.min(maxAttempts, stageCap);
}

/** Rework cooldown in seconds: `base · 2^attempt` (attempt before the increment). */
export function cooldownSeconds(base: number, attempt: number): number {
  return base * 2 ** attempt;
}
