/**
 * The plans aggregate: plan rows, their status (each change with its event
 * row), decomposition retries, sections and chunks.
 *
 * @module
 */
import type { LaoEvent } from "../events/types.ts";
import type { PlanStatus } from "../domain/status.ts";
import { transaction } from "./db.ts";
import type { EventLog, StoreContext } from "./event_log.ts";
import { decodePlan } from "./rows.ts";
import type { PlanPlacement, PlanRow, PlanSection } from "./types.ts";

/** A new plan row (see `Store.registerPlan`). */
export interface NewPlan extends PlanPlacement {
  id: string;
  filename: string;
  stem: string;
  sourcePath?: string;
  revisionOf: string | null;
  sectionsJson: string | null;
}

/** Plans and chunks on one connection. */
export class PlanStore {
  #ctx: StoreContext;
  #log: EventLog;
  #emit: (e: LaoEvent) => void;

  /** Wraps the store's connection, clock, event log and bus. */
  constructor(ctx: StoreContext, log: EventLog, emit: (e: LaoEvent) => void) {
    this.#ctx = ctx;
    this.#log = log;
    this.#emit = emit;
  }

  /** A plan by id. */
  getPlan(id: string): PlanRow | undefined {
    const row = this.#ctx.db.prepare(`SELECT * FROM plans WHERE id = ?`).get(id);
    return row ? decodePlan(row) : undefined;
  }

  /** All plans, oldest first. */
  listPlans(): PlanRow[] {
    return this.#ctx.db.prepare(`SELECT * FROM plans ORDER BY created_at, id`).all()
      .map((r) => decodePlan(r));
  }

  /** The newest live revision of a plan file (not superseded or discarded). */
  latestRevision(stem: string): PlanRow | undefined {
    const row = this.#ctx.db.prepare(
      `SELECT * FROM plans WHERE stem = ? AND status NOT IN ('superseded', 'discarded')
       ORDER BY created_at DESC LIMIT 1`,
    ).get(stem);
    return row ? decodePlan(row) : undefined;
  }

  /** Inserts a plan row in `decomposing` (inside the caller's transaction). */
  insertPlan(p: NewPlan): void {
    const now = this.#ctx.nowIso();
    this.#ctx.db.prepare(
      `INSERT INTO plans (id, filename, stem, source_path, status, revision_of, workspace,
         workspace_kind, target, branch, sections_json, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'decomposing', ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      p.id,
      p.filename,
      p.stem,
      p.sourcePath ?? null,
      p.revisionOf,
      p.workspace ?? null,
      p.workspaceKind ?? null,
      p.target ?? null,
      p.branch ?? null,
      p.sectionsJson,
      now,
      now,
    );
  }

  /** Starts a plan's decomposition over: its chunks dropped, its sections and attempts reset. */
  resetDecomposition(id: string, sectionsJson: string | null): void {
    this.#ctx.db.prepare(`DELETE FROM plan_chunks WHERE plan_id = ?`).run(id);
    this.#ctx.db.prepare(`UPDATE plans SET sections_json = ?, decompose_attempts = 0 WHERE id = ?`)
      .run(sectionsJson, id);
  }

  /** Sets a plan's status (with an event row). */
  setPlanStatus(id: string, to: PlanStatus, reason?: string): void {
    const events: LaoEvent[] = [];
    transaction(this.#ctx.db, () => this.setStatusIn(id, to, reason, events));
    for (const e of events) this.#emit(e);
  }

  /** Sets a plan's status inside the caller's transaction; the event goes to `events`. */
  setStatusIn(id: string, to: PlanStatus, reason: string | undefined, events: LaoEvent[]): void {
    const plan = this.getPlan(id);
    if (!plan || plan.status === to) return;
    this.#ctx.db.prepare(`UPDATE plans SET status = ?, updated_at = ? WHERE id = ?`).run(
      to,
      this.#ctx.nowIso(),
      id,
    );
    const event: LaoEvent = {
      type: "plan.status",
      planId: id,
      from: plan.status,
      to,
      ...(reason ? { reason } : {}),
    };
    this.#log.insert(event, id, null);
    events.push(event);
  }

  /** Updates plan fields that are not its status. */
  updatePlan(
    id: string,
    patch: { workspace?: string; preflight_json?: string; base_sha?: string },
  ): void {
    for (const [key, value] of Object.entries(patch)) {
      this.#ctx.db.prepare(`UPDATE plans SET ${key} = ?, updated_at = ? WHERE id = ?`).run(
        value,
        this.#ctx.nowIso(),
        id,
      );
    }
    const fields = Object.keys(patch);
    if (fields.length) this.#emit({ type: "plan.updated", planId: id, fields });
  }

  /**
   * Records a failed decomposition. The plan stays retryable: it is picked up
   * again after `retryAfterS` seconds.
   */
  markDecompositionFailed(id: string, error: string, retryAfterS: number): void {
    const events: LaoEvent[] = [];
    transaction(this.#ctx.db, () => {
      const next = new Date(this.#ctx.now().getTime() + retryAfterS * 1000).toISOString();
      this.#ctx.db.prepare(
        `UPDATE plans SET error = ?, decompose_attempts = decompose_attempts + 1, next_attempt_at = ? WHERE id = ?`,
      ).run(error, next, id);
      this.setStatusIn(id, "decomposition_failed", error, events);
    });
    for (const e of events) this.#emit(e);
  }

  /** Plans waiting for the architect: new ones, and failed ones whose retry time has come. */
  plansToDecompose(): PlanRow[] {
    return this.#ctx.db.prepare(
      `SELECT * FROM plans WHERE status = 'decomposing'
          OR (status = 'decomposition_failed' AND (next_attempt_at IS NULL OR next_attempt_at <= ?))
       ORDER BY created_at, id`,
    ).all(this.#ctx.nowIso()).map((r) => decodePlan(r));
  }

  /** Marks every section of the plan's revision as decomposed. */
  markSectionsDecomposed(id: string): void {
    const plan = this.getPlan(id);
    if (!plan?.sections_json) return;
    const sections = (JSON.parse(plan.sections_json) as PlanSection[])
      .map((x) => ({ ...x, decompose: false }));
    this.#ctx.db.prepare(`UPDATE plans SET sections_json = ? WHERE id = ?`)
      .run(JSON.stringify(sections), id);
  }

  /** Returns the stored chunk with this content hash, creating it as `pending`. */
  upsertChunk(
    planId: string,
    index: number,
    hash: string,
    text: string,
  ): { status: string; tasks_json: string | null } {
    this.#ctx.db.prepare(
      `INSERT INTO plan_chunks (plan_id, chunk_index, chunk_hash, chunk_text) VALUES (?, ?, ?, ?)
       ON CONFLICT (plan_id, chunk_hash) DO UPDATE SET chunk_index = excluded.chunk_index`,
    ).run(planId, index, hash, text);
    const row = this.#ctx.db.prepare(
      `SELECT status, tasks_json FROM plan_chunks WHERE plan_id = ? AND chunk_hash = ?`,
    ).get(planId, hash)!;
    return {
      status: String(row.status),
      tasks_json: row.tasks_json === null ? null : String(row.tasks_json),
    };
  }

  /** Stores a chunk's result. */
  finishChunk(planId: string, hash: string, result: { tasksJson?: string; error?: string }): void {
    this.#ctx.db.prepare(
      `UPDATE plan_chunks SET status = ?, tasks_json = ?, error = ?, updated_at = ? WHERE plan_id = ? AND chunk_hash = ?`,
    ).run(
      result.error ? "failed" : "completed",
      result.tasksJson ?? null,
      result.error ?? null,
      this.#ctx.nowIso(),
      planId,
      hash,
    );
    this.#emit({
      type: "chunk.status",
      planId,
      hash,
      status: result.error ? "failed" : "completed",
      ...(result.error ? { error: result.error } : {}),
    });
  }
}
