/**
 * Rows decoded once per table: each column is read with its type checked,
 * JSON columns are parsed, and a row that does not match (a migration that
 * renamed or retyped a column) fails loudly with the column's name instead
 * of flowing on as a wrong type.
 *
 * @module
 */
import type { SQLOutputValue } from "node:sqlite";
import { PLAN_STATUSES, TASK_STATUSES, type TaskStatus } from "../domain/status.ts";
import type { DeliverableRow, FindingRecord, PlanRow, Task, ValidationRunRow } from "./types.ts";

/** A row as `node:sqlite` returns it. */
export type Row = Record<string, SQLOutputValue>;

function bad(table: string, key: string, want: string): Error {
  return new Error(`Cannot read the ${table} table: column ${key} is not ${want}`);
}

/** Typed column readers for one table. */
function reader(table: string, row: Row) {
  const text = (key: string): string => {
    const v = row[key];
    if (typeof v !== "string") throw bad(table, key, "text");
    return v;
  };
  const textOrNull = (key: string): string | null => (row[key] ?? null) === null ? null : text(key);
  const numOrNull = (key: string): number | null => {
    const v = row[key] ?? null;
    if (v === null) return null;
    if (typeof v === "bigint") return Number(v);
    if (typeof v !== "number") throw bad(table, key, "a number");
    return v;
  };
  const int = (key: string): number => {
    const v = row[key];
    if (typeof v === "bigint") return Number(v);
    if (typeof v !== "number") throw bad(table, key, "a number");
    return v;
  };
  const oneOf = <T extends string>(key: string, values: readonly T[]): T => {
    const v = text(key);
    const hit = values.find((x) => x === v);
    if (hit === undefined) throw bad(table, key, `one of ${values.join(", ")}`);
    return hit;
  };
  const strings = (key: string): string[] => {
    const v: unknown = JSON.parse(textOrNull(key) ?? "[]");
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
      throw bad(table, key, "a JSON list of strings");
    }
    return v;
  };
  return { text, textOrNull, int, numOrNull, oneOf, strings };
}

/** A `plans` row. */
export function decodePlan(row: Row): PlanRow {
  const r = reader("plans", row);
  return {
    id: r.text("id"),
    filename: r.text("filename"),
    stem: r.text("stem"),
    source_path: r.textOrNull("source_path"),
    status: r.oneOf("status", PLAN_STATUSES),
    revision_of: r.textOrNull("revision_of"),
    workspace: r.textOrNull("workspace"),
    preflight_json: r.textOrNull("preflight_json"),
    error: r.textOrNull("error"),
    decompose_attempts: r.int("decompose_attempts"),
    next_attempt_at: r.textOrNull("next_attempt_at"),
    created_at: r.text("created_at"),
    updated_at: r.text("updated_at"),
    workspace_kind: r.textOrNull("workspace_kind"),
    target: r.textOrNull("target"),
    branch: r.textOrNull("branch"),
    base_sha: r.textOrNull("base_sha"),
    sections_json: r.textOrNull("sections_json"),
  };
}

/** A `tasks` row with its dependency ids (from `task_dependencies`). */
export function decodeTask(row: Row, dependencies: number[]): Task {
  const r = reader("tasks", row);
  return {
    id: r.int("id"),
    plan_id: r.text("plan_id"),
    title: r.text("title"),
    description: r.text("description"),
    file_paths: r.strings("file_paths"),
    phase_name: r.textOrNull("phase_name"),
    deliverable_ids: r.strings("deliverable_ids"),
    status: r.oneOf<TaskStatus>("status", TASK_STATUSES),
    coder_output: r.textOrNull("coder_output"),
    feedback: r.textOrNull("feedback"),
    code_signature: r.textOrNull("code_signature"),
    prev_code_signature: r.textOrNull("prev_code_signature"),
    changed_files: r.strings("changed_files"),
    diff: r.textOrNull("diff"),
    attempt: r.int("attempt"),
    max_attempts: r.int("max_attempts"),
    next_eligible_at: r.textOrNull("next_eligible_at"),
    escalation_reason: r.textOrNull("escalation_reason"),
    priority: r.int("priority"),
    dependencies,
    origin_plan_id: r.textOrNull("origin_plan_id"),
    section_hash: r.textOrNull("section_hash"),
  };
}

/** A `task_findings` row. */
export function decodeFinding(row: Row): FindingRecord & { task_id: number; attempt: number } {
  const r = reader("task_findings", row);
  return {
    task_id: r.int("task_id"),
    attempt: r.int("attempt"),
    source: r.text("source"),
    severity: r.text("severity"),
    file_path: r.textOrNull("file_path"),
    issue_class: r.text("issue_class"),
    message: r.text("message"),
    fix_hint: r.textOrNull("fix_hint"),
    analyzer_id: r.textOrNull("analyzer_id"),
    analyzer_kind: r.textOrNull("analyzer_kind"),
    confidence: r.numOrNull("confidence"),
  };
}

/** A `validation_runs` row. */
export function decodeValidationRun(row: Row): ValidationRunRow {
  const r = reader("validation_runs", row);
  return {
    task_id: r.int("task_id"),
    kind: r.text("kind"),
    command: r.text("command"),
    return_code: r.numOrNull("return_code"),
    success: r.int("success"),
    output: r.textOrNull("output") ?? "",
    started_at: r.textOrNull("started_at") ?? "",
    finished_at: r.textOrNull("finished_at") ?? "",
  };
}

/** A `deliverables` row. */
export function decodeDeliverable(row: Row): DeliverableRow {
  const r = reader("deliverables", row);
  return {
    deliverable_id: r.text("deliverable_id"),
    description: r.text("description"),
    status: r.text("status"),
    status_reason: r.textOrNull("status_reason"),
  };
}
