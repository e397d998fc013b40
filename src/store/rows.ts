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
import type { PlanRow, Task } from "./types.ts";

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
  return { text, textOrNull, int, oneOf, strings };
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
