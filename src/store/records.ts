/**
 * What the store records besides the queue: model calls, findings (kept per
 * attempt), validation runs, deliverables and pilot messages: the records
 * aggregate of {@linkcode Store}.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { transaction } from "./db.ts";
import { decodeDeliverable, decodeFinding, decodeValidationRun } from "./rows.ts";
import type { DeliverableRow, FindingRecord, LlmCallRecord, ValidationRunRow } from "./types.ts";

/** Append-only records on one connection. */
export class RecordStore {
  /** The underlying connection. */
  readonly db: DatabaseSync;

  /** Wraps an open connection. */
  constructor(db: DatabaseSync) {
    this.db = db;
  }

  /** Records one model call. */
  recordLlmCall(r: LlmCallRecord): void {
    this.db.prepare(
      `INSERT INTO llm_calls (task_id, plan_id, role, model, prompt_tokens, completion_tokens, duration_s, success, error, prefill_tokens)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      r.taskId ?? null,
      r.planId ?? null,
      r.role,
      r.model,
      r.promptTokens,
      r.completionTokens,
      r.seconds,
      r.ok ? 1 : 0,
      r.error ?? null,
      r.prefillTokens ?? null,
    );
  }

  /**
   * Prefill tokens the server reported, by role: their sum and how many calls
   * reported one (`calls` of {@linkcode tokensByRole} minus `reported` did not).
   */
  prefillByRole(): Record<string, { prefill: number; reported: number }> {
    const rows = this.db.prepare(
      `SELECT role, COALESCE(SUM(prefill_tokens), 0) AS p, COUNT(prefill_tokens) AS n FROM llm_calls GROUP BY role ORDER BY role`,
    ).all() as { role: string; p: number; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.role, { prefill: r.p, reported: r.n }]));
  }

  /** Prompt/completion token sums by role. */
  tokensByRole(): Record<string, { prompt: number; completion: number; calls: number }> {
    const rows = this.db.prepare(
      `SELECT role, SUM(prompt_tokens) AS p, SUM(completion_tokens) AS c, COUNT(*) AS n FROM llm_calls GROUP BY role ORDER BY role`,
    ).all() as { role: string; p: number; c: number; n: number }[];
    return Object.fromEntries(
      rows.map((r) => [r.role, { prompt: r.p, completion: r.c, calls: r.n }]),
    );
  }

  /** Stores findings for one attempt of a task (history is kept across attempts). */
  addFindings(taskId: number, attempt: number, findings: FindingRecord[]): void {
    transaction(this.db, () => {
      const stmt = this.db.prepare(
        `INSERT INTO task_findings (task_id, attempt, source, severity, file_path, issue_class, message, fix_hint, analyzer_id, analyzer_kind, confidence)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const f of findings) {
        stmt.run(
          taskId,
          attempt,
          f.source,
          f.severity,
          f.file_path,
          f.issue_class,
          f.message,
          f.fix_hint ?? null,
          f.analyzer_id ?? null,
          f.analyzer_kind ?? null,
          f.confidence ?? null,
        );
      }
    });
  }

  /** Findings of a task, optionally of one attempt. */
  findings(taskId: number, attempt?: number): (FindingRecord & { attempt: number })[] {
    return this.db.prepare(
      `SELECT * FROM task_findings WHERE task_id = ? AND (? IS NULL OR attempt = ?) ORDER BY id`,
    ).all(taskId, attempt ?? null, attempt ?? null).map(decodeFinding);
  }

  /** Findings of each task's latest reviewed attempt, for a plan's report. */
  planFindings(planId: string): (FindingRecord & { task_id: number; attempt: number })[] {
    return this.db.prepare(
      `SELECT f.* FROM task_findings f JOIN tasks t ON t.id = f.task_id
       WHERE t.plan_id = ? AND f.attempt = (SELECT MAX(attempt) FROM task_findings WHERE task_id = f.task_id)
       ORDER BY f.id`,
    ).all(planId).map(decodeFinding);
  }

  /** Validation runs of a plan's tasks. */
  planValidationRuns(planId: string): ValidationRunRow[] {
    return this.db.prepare(
      `SELECT v.* FROM validation_runs v JOIN tasks t ON t.id = v.task_id WHERE t.plan_id = ? ORDER BY v.id`,
    ).all(planId).map(decodeValidationRun);
  }

  /** Records a validation command run. */
  addValidationRun(r: {
    taskId: number;
    attempt: number;
    kind: string;
    command: string;
    returnCode: number | null;
    success: boolean;
    output: string;
    startedAt: string;
    finishedAt: string;
  }): void {
    this.db.prepare(
      `INSERT INTO validation_runs (task_id, attempt, kind, command, return_code, success, output, started_at, finished_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      r.taskId,
      r.attempt,
      r.kind,
      r.command,
      r.returnCode,
      r.success ? 1 : 0,
      r.output.slice(0, 4000),
      r.startedAt,
      r.finishedAt,
    );
  }

  /** Appends a pilot conversation message (tool calls included). */
  addPilotMessage(
    m: {
      sessionId: string;
      role: string;
      content: string | null;
      toolCalls?: unknown;
      toolCallId?: string;
    },
  ): void {
    this.db.prepare(
      `INSERT INTO pilot_messages (session_id, role, content, tool_calls, tool_call_id) VALUES (?, ?, ?, ?, ?)`,
    ).run(
      m.sessionId,
      m.role,
      m.content,
      m.toolCalls === undefined ? null : JSON.stringify(m.toolCalls),
      m.toolCallId ?? null,
    );
  }

  /** Seeds a plan's phases and deliverables (idempotent: existing rows keep their status). */
  seedPlanMetadata(
    planId: string,
    phases: { name: string; index: number }[],
    deliverables: { id: string; description: string }[],
  ): void {
    transaction(this.db, () => {
      const phase = this.db.prepare(
        `INSERT OR IGNORE INTO phases (plan_id, phase_name, phase_index) VALUES (?, ?, ?)`,
      );
      for (const p of phases) phase.run(planId, p.name, p.index);
      const deliverable = this.db.prepare(
        `INSERT OR IGNORE INTO deliverables (plan_id, deliverable_id, description) VALUES (?, ?, ?)`,
      );
      for (const d of deliverables) deliverable.run(planId, d.id, d.description);
    });
  }

  /** Sets the status of a plan's deliverables (unknown ids are ignored). */
  setDeliverableStatus(planId: string, ids: string[], status: string, reason?: string): void {
    const stmt = this.db.prepare(
      `UPDATE deliverables SET status = ?, status_reason = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
       WHERE plan_id = ? AND deliverable_id = ?`,
    );
    for (const id of ids) stmt.run(status, reason ?? null, planId, id);
  }

  /** A plan's deliverables. */
  deliverables(planId: string): DeliverableRow[] {
    return this.db.prepare(
      `SELECT deliverable_id, description, status, status_reason FROM deliverables WHERE plan_id = ? ORDER BY rowid`,
    ).all(planId).map(decodeDeliverable);
  }
}
