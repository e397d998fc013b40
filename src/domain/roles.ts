/**
 * The model roles: each has its own model settings (`models.<role>` in
 * `factory.yaml`). The coder and the reviewer are the two task phases.
 *
 * @module
 */

/** Every role. */
export const ROLES = ["planner", "coder", "reviewer", "embedder", "pilot"] as const;

/** A role with its own model. */
export type Role = typeof ROLES[number];

/** The roles that work on a task: coding, then review. */
export type TaskRole = Extract<Role, "coder" | "reviewer">;
