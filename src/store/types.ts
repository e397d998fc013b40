/**
 * Row and input types of the state store.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { LaoEvent } from "../events/types.ts";
import type { PlanStatus, TaskStatus } from "../domain/status.ts";

/** A plan row. */
export interface PlanRow {
  id: string;
  filename: string;
  stem: string;
  source_path: string | null;
  status: PlanStatus;
  revision_of: string | null;
  workspace: string | null;
  preflight_json: string | null;
  error: string | null;
  decompose_attempts: number;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
  /** `worktree` (a git worktree on {@linkcode PlanRow.branch}), or null: the plan's own folder. */
  workspace_kind: string | null;
  /** The folder the plan targets (its front matter or `paths.plan_workspace`), or null. */
  target: string | null;
  /** The plan's branch (`lao/<stem>`) when it works in a worktree. */
  branch: string | null;
  /** The commit the branch was made from. */
  base_sha: string | null;
  /** JSON {@linkcode PlanSection}[] of this revision, or null (decomposed before revisions). */
  sections_json: string | null;
}

/**
 * A plan whose workspace is known. Every plan the intake registers has one
 * (its own folder or its worktree); every phase works in it.
 */
export type PlacedPlan = PlanRow & { workspace: string };

/** True when the plan has its workspace (narrows to {@linkcode PlacedPlan}). */
export function isPlaced(plan: PlanRow): plan is PlacedPlan {
  return plan.workspace !== null;
}

/** A section of a plan revision (see `plan_metadata.ts` `planSections`). */
export interface PlanSection {
  /** Content hash of the section's text. */
  hash: string;
  /** Its heading line (or "(preamble)"). */
  heading: string;
  /** True when this revision must decompose it (new or changed). */
  decompose: boolean;
}

/** A task row, JSON columns decoded. */
export interface Task {
  id: number;
  plan_id: string;
  title: string;
  description: string;
  file_paths: string[];
  phase_name: string | null;
  deliverable_ids: string[];
  status: TaskStatus;
  coder_output: string | null;
  feedback: string | null;
  code_signature: string | null;
  prev_code_signature: string | null;
  changed_files: string[];
  /** Unified diff of the last coder run. */
  diff: string | null;
  attempt: number;
  max_attempts: number;
  next_eligible_at: string | null;
  escalation_reason: string | null;
  priority: number;
  dependencies: number[];
  /** The plan revision that created the task (differs from `plan_id` for kept tasks). */
  origin_plan_id: string | null;
  /** Hash of the plan section the task implements, when known. */
  section_hash: string | null;
}

/** A task as the architect produced it, dependencies as indexes into the same list. */
export interface NewTask {
  title: string;
  description: string;
  file_paths: string[];
  phase?: string | null;
  deliverable_ids?: string[];
  dependsOn: number[];
  /** Ids of existing tasks (e.g. kept by a revision) this one depends on. */
  dependsOnIds?: number[];
  /** Hash of the plan section the task implements. */
  section?: string | null;
}

/** Extra column updates allowed with a transition. */
export interface TaskPatch {
  coder_output?: string | null;
  feedback?: string | null;
  code_signature?: string | null;
  prev_code_signature?: string | null;
  changed_files?: string[];
  diff?: string | null;
  attempt?: number;
  next_eligible_at?: string | null;
  escalation_reason?: string | null;
}

/** A recorded model call: the `llm.call` event plus what it was for. */
export interface LlmCallRecord extends Omit<Extract<LaoEvent, { type: "llm.call" }>, "type"> {
  taskId?: number | null;
  planId?: string | null;
}

/** A stored finding. */
export interface FindingRecord {
  source: string;
  severity: string;
  file_path: string | null;
  issue_class: string;
  message: string;
  fix_hint?: string | null;
  analyzer_id?: string | null;
  analyzer_kind?: string | null;
  confidence?: number | null;
}

/** A stored validation run. */
export interface ValidationRunRow {
  task_id: number;
  kind: string;
  command: string;
  return_code: number | null;
  success: number;
  output: string;
  started_at: string;
  finished_at: string;
}

/** A stored deliverable. */
export interface DeliverableRow {
  deliverable_id: string;
  description: string;
  status: string;
  status_reason: string | null;
}

/** Which queued tasks to return. */
export interface QueueFilter {
  limit?: number;
  phase?: string | null;
  planId?: string | null;
}

/** Result of {@linkcode Store.registerPlan}. */
export interface RegisterResult {
  plan: PlanRow;
  /** False when identical content was already registered (dedupe). */
  created: boolean;
  /** The plan this one replaces (an edited plan file), if any. */
  supersedes: PlanRow | null;
  /** Tasks a revision kept and cancelled (zero for a new plan). */
  revision?: { kept: number; cancelled: number; decompose: number };
}

/** How a revision changed a plan's tasks. */
export interface RevisionCounts {
  /** Tasks carried over from earlier revisions (not cancelled). */
  kept: number;
  /** Tasks this revision's decomposition created. */
  new: number;
  /** Cancelled tasks (removed or redone sections). */
  cancelled: number;
}

/** Where a plan works, as given to {@linkcode Store.registerPlan}. */
export interface PlanPlacement {
  /** The plan's workspace (its own folder, or the worktree folder). */
  workspace?: string;
  /** `worktree` or undefined. */
  workspaceKind?: string;
  /** The folder the plan targets. */
  target?: string;
  /** The branch (`lao/<stem>`). */
  branch?: string;
}

/** First 16 hex chars of SHA-256 of the plan text (the plan id). */
export function planId(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, 16);
}
