/**
 * The statuses of LAO's two domain objects, plans and tasks, with their
 * lists. The task transitions are in `store/task_machine.ts`; events carry
 * these statuses (`events/types.ts`).
 *
 * @module
 */

/** Every task status, in queue order. */
export const TASK_STATUSES = [
  "pending",
  "coding",
  "coded",
  "review",
  "completed",
  "failed",
  /** Its plan section was removed or redone by a revision: terminal, never coded. */
  "cancelled",
] as const;

/** A task status. */
export type TaskStatus = typeof TASK_STATUSES[number];

/** Every plan status. */
export const PLAN_STATUSES = [
  "decomposing",
  "decomposition_failed",
  "active",
  "completed",
  /** Every task failed (`lao retry-failed` reopens it). */
  "failed",
  "superseded",
  /** `lao discard` removed its worktree and branch. */
  "discarded",
] as const;

/** A plan status. */
export type PlanStatus = typeof PLAN_STATUSES[number];
