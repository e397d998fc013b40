/**
 * Row and input types of the state store.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { LaoEvent, PlanStatus, TaskStatus } from "../events/types.ts";

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
}

/** A task as the architect produced it, dependencies as indexes into the same list. */
export interface NewTask {
  title: string;
  description: string;
  file_paths: string[];
  phase?: string | null;
  deliverable_ids?: string[];
  dependsOn: number[];
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
}

/** First 16 hex chars of SHA-256 of the plan text (the plan id). */
export function planId(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, 16);
}
