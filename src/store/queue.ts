/**
 * The queue aggregate: tasks, their dependencies and every transition. Each
 * transition is a guarded update (`... WHERE status = expected`) committed in
 * the same transaction as its event row, so a task can never be claimed twice
 * and the event log never disagrees with the tasks. The queries are pure:
 * cascading failures (`failBlocked`) is a write the scheduler asks for.
 *
 * @module
 */
import type { SQLInputValue } from "node:sqlite";
import type { LaoEvent } from "../events/types.ts";
import type { TaskStatus } from "../domain/status.ts";
import { transaction } from "./db.ts";
import type { EventLog, StoreContext } from "./event_log.ts";
import type { PlanStore } from "./plans.ts";
import { decodeTask, type Row } from "./rows.ts";
import { cancelTransition, TASK_STATUSES, type Transition, TRANSITIONS } from "./task_machine.ts";
import type { NewTask, QueueFilter, RevisionCounts, Task, TaskPatch } from "./types.ts";

/** Tasks on one connection. */
export class TaskQueue {
  #ctx: StoreContext;
  #log: EventLog;
  #plans: PlanStore;
  #emit: (e: LaoEvent) => void;

  /** Wraps the store's connection, clock, event log, plans and bus. */
  constructor(ctx: StoreContext, log: EventLog, plans: PlanStore, emit: (e: LaoEvent) => void) {
    this.#ctx = ctx;
    this.#log = log;
    this.#plans = plans;
    this.#emit = emit;
  }

  /**
   * Inserts a plan's tasks in one transaction and marks the plan `active`.
   * Dependencies are given as indexes into `tasks` and stored as task ids.
   */
  insertTasks(planId: string, tasks: NewTask[], maxAttempts: number): number[] {
    const db = this.#ctx.db;
    const events: LaoEvent[] = [];
    const ids = transaction(db, () => {
      const insert = db.prepare(
        `INSERT INTO tasks (plan_id, title, description, file_paths, phase_name, deliverable_ids, max_attempts, priority, created_at, updated_at, origin_plan_id, section_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const now = this.#ctx.nowIso();
      const base = Number(
        db.prepare(`SELECT COALESCE(MAX(priority) + 1, 0) AS p FROM tasks WHERE plan_id = ?`)
          .get(planId)?.p ?? 0,
      );
      const ids = tasks.map((t, i) =>
        Number(
          insert.run(
            planId,
            t.title,
            t.description,
            JSON.stringify(t.file_paths),
            t.phase ?? null,
            JSON.stringify(t.deliverable_ids ?? []),
            maxAttempts,
            base + i,
            now,
            now,
            planId,
            t.section ?? null,
          ).lastInsertRowid,
        )
      );
      this.#insertDependencies(tasks, ids);
      for (const [i, id] of ids.entries()) {
        const event: LaoEvent = {
          type: "task.transition",
          taskId: id,
          planId,
          from: null,
          to: "pending",
          reason: `created (${i + 1}/${ids.length})`,
        };
        this.#log.insert(event, planId, id);
        events.push(event);
      }
      this.#plans.setStatusIn(planId, "active", `${ids.length} tasks`, events);
      return ids;
    });
    for (const e of events) this.#emit(e);
    return ids;
  }

  #insertDependencies(tasks: NewTask[], ids: number[]) {
    const dep = this.#ctx.db.prepare(
      `INSERT OR IGNORE INTO task_dependencies (task_id, depends_on) VALUES (?, ?)`,
    );
    tasks.forEach((t, i) => {
      for (const d of t.dependsOn) {
        const target = ids[d];
        if (target !== undefined && d !== i) dep.run(ids[i]!, target);
      }
      for (const existing of t.dependsOnIds ?? []) dep.run(ids[i]!, existing);
    });
  }

  /** A task by id (with its dependency ids). */
  getTask(id: number): Task | undefined {
    const row = this.#ctx.db.prepare(`SELECT * FROM tasks WHERE id = ?`).get(id);
    return row ? this.#decode(row) : undefined;
  }

  /** Tasks of a plan (or all), by priority. */
  listTasks(planId?: string): Task[] {
    const db = this.#ctx.db;
    const rows = planId
      ? db.prepare(`SELECT * FROM tasks WHERE plan_id = ? ORDER BY priority, id`).all(planId)
      : db.prepare(
        `SELECT t.* FROM tasks t JOIN plans p ON p.id = t.plan_id ORDER BY p.created_at, t.plan_id, t.priority, t.id`,
      ).all();
    return rows.map((r) => this.#decode(r));
  }

  /** Tasks in one status. */
  listByStatus(status: TaskStatus): Task[] {
    return this.#ctx.db.prepare(`SELECT * FROM tasks WHERE status = ? ORDER BY id`).all(status)
      .map((r) => this.#decode(r));
  }

  /** Moves every task of plan `from` to plan `to` (an incremental revision keeps them). */
  moveTasks(from: string, to: string): void {
    this.#ctx.db.prepare(`UPDATE tasks SET plan_id = ? WHERE plan_id = ?`).run(to, from);
  }

  /**
   * Moves a task along a legal transition, atomically with its event row.
   * Returns false (and changes nothing) when the task is not in the
   * transition's `from` status — e.g. another process claimed it first.
   */
  transition(taskId: number, name: Transition, patch: TaskPatch = {}, reason?: string): boolean {
    const events: LaoEvent[] = [];
    const ok = transaction(
      this.#ctx.db,
      () => this.transitionIn(taskId, name, patch, events, reason),
    );
    for (const e of events) this.#emit(e);
    return ok;
  }

  /** A transition inside the caller's transaction; the event goes to `events`. */
  transitionIn(
    taskId: number,
    name: Transition,
    patch: TaskPatch,
    events: LaoEvent[],
    reason?: string,
  ): boolean {
    const [from, to] = TRANSITIONS[name];
    const sets = ["status = ?", "updated_at = ?"];
    const values: SQLInputValue[] = [to, this.#ctx.nowIso()];
    for (const [key, value] of Object.entries(patch)) {
      sets.push(`${key} = ?`);
      values.push(Array.isArray(value) ? JSON.stringify(value) : (value as SQLInputValue));
    }
    const res = this.#ctx.db.prepare(
      `UPDATE tasks SET ${sets.join(", ")} WHERE id = ? AND status = ?`,
    ).run(...values, taskId, from);
    if (res.changes !== 1) return false;
    const row = this.#ctx.db.prepare(
      `SELECT plan_id, title, attempt, max_attempts FROM tasks WHERE id = ?`,
    ).get(taskId)!;
    const planId = String(row.plan_id);
    const event: LaoEvent = {
      type: "task.transition",
      taskId,
      planId,
      from,
      to,
      reason: reason ?? patch.escalation_reason ?? name,
      title: String(row.title),
      attempt: Number(row.attempt) + 1,
      maxAttempts: Number(row.max_attempts),
      ...(patch.changed_files ? { files: patch.changed_files } : {}),
      ...(to === "failed" && patch.feedback ? { feedback: patch.feedback } : {}),
    };
    this.#log.insert(event, planId, taskId);
    events.push(event);
    return true;
  }

  /** Cancels the plan's tasks `which` selects (those not in work); returns how many. */
  cancelIn(planId: string, which: (t: Task) => boolean, why: string, events: LaoEvent[]): number {
    let n = 0;
    for (const t of this.listTasks(planId)) {
      const name = cancelTransition(t.status);
      if (!name || !which(t)) continue;
      const patch = { escalation_reason: "cancelled", feedback: why };
      if (this.transitionIn(t.id, name, patch, events, why)) n++;
    }
    return n;
  }

  /** Cancels every open task of a plan (e.g. `lao discard`); returns how many. */
  cancelPlanTasks(planId: string, why: string): number {
    const events: LaoEvent[] = [];
    const n = transaction(
      this.#ctx.db,
      () => this.cancelIn(planId, (t) => t.status !== "completed", why, events),
    );
    for (const e of events) this.#emit(e);
    return n;
  }

  /**
   * Pending tasks that may run now: cooldown passed and every dependency
   * completed, ordered by plan age then priority. A pure query: tasks whose
   * dependency failed stay pending (and never come up) until
   * {@linkcode TaskQueue.failBlocked} fails them.
   */
  runnable(opts: QueueFilter = {}): Task[] {
    return this.#queue("pending", RUNNABLE, [this.#ctx.nowIso()], opts);
  }

  /** The earliest future `next_eligible_at` among pending tasks, if any (for waiting out cooldowns). */
  nextCooldownEnd(planId?: string | null): Date | null {
    const row = this.#ctx.db.prepare(
      `SELECT MIN(next_eligible_at) AS t FROM tasks WHERE status = 'pending' AND next_eligible_at > ?
         AND (? IS NULL OR plan_id = ?)`,
    ).get(this.#ctx.nowIso(), planId ?? null, planId ?? null);
    return typeof row?.t === "string" ? new Date(row.t) : null;
  }

  /** Coded tasks waiting for review, oldest plan and priority first. */
  coded(opts: QueueFilter = {}): Task[] {
    return this.#queue("coded", "", [], opts);
  }

  /** Tasks in `status` (plus `extra` conditions) by plan age and priority. */
  #queue(status: TaskStatus, extra: string, params: SQLInputValue[], opts: QueueFilter): Task[] {
    return this.#ctx.db.prepare(queueSql(Boolean(opts.planId), extra)).all(
      status,
      ...(opts.planId ? [opts.planId] : []),
      ...params,
      opts.phase ?? null,
      opts.phase ?? null,
      opts.limit ?? 1_000_000,
    ).map((r) => this.#decode(r));
  }

  /** Fails pending tasks whose dependencies failed, repeating until nothing changes. Returns how many. */
  failBlocked(): number {
    let total = 0;
    for (;;) {
      const blocked = this.#ctx.db.prepare(
        // From the (few) failed tasks to their dependents, not from every pending task.
        `SELECT t.id, group_concat(dt.title, ', ') AS titles FROM tasks dt
         CROSS JOIN task_dependencies d ON d.depends_on = dt.id JOIN tasks t ON t.id = d.task_id
         WHERE dt.status = 'failed' AND t.status = 'pending' GROUP BY t.id`,
      ).all();
      if (blocked.length === 0) return total;
      for (const b of blocked) {
        const why = `Blocked by failed dependencies: ${String(b.titles)}`;
        const patch = { escalation_reason: "dependency_blocked", feedback: why };
        if (this.transition(Number(b.id), "dependency_failed", patch, why)) total++;
      }
    }
  }

  /** Crash recovery at start-up: `coding` → `pending`, `review` → `coded`. Returns counts. */
  recover(): { coding: number; review: number } {
    let coding = 0;
    let review = 0;
    for (const t of this.listByStatus("coding")) {
      if (this.transition(t.id, "recover_coding", {}, "recovered after interruption")) coding++;
    }
    for (const t of this.listByStatus("review")) {
      if (this.transition(t.id, "recover_review", {}, "recovered after interruption")) review++;
    }
    return { coding, review };
  }

  /** Every failed task (optionally of one plan) → pending with attempt 0. Returns how many. */
  retryFailed(planId?: string): number {
    const failed = this.listByStatus("failed").filter((t) => !planId || t.plan_id === planId)
      .filter((t) => t.escalation_reason !== "superseded");
    let n = 0;
    for (const t of failed) {
      const patch = { attempt: 0, feedback: null, next_eligible_at: null, escalation_reason: null };
      if (this.transition(t.id, "retry", patch, "retry requested")) n++;
      const plan = this.#plans.getPlan(t.plan_id);
      if (plan?.status === "completed" || plan?.status === "failed") {
        this.#plans.setPlanStatus(plan.id, "active", "retry");
      }
    }
    return n;
  }

  /** Count of tasks in every status (every status present, zero when none). */
  statusCounts(planId?: string): Record<TaskStatus, number> {
    const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<
      TaskStatus,
      number
    >;
    // Two statements, so a plan's counts use tasks_plan_queue instead of scanning every task.
    const db = this.#ctx.db;
    const rows = planId
      ? db.prepare(`SELECT status, COUNT(*) AS n FROM tasks WHERE plan_id = ? GROUP BY status`)
        .all(planId)
      : db.prepare(`SELECT status, COUNT(*) AS n FROM tasks GROUP BY status`).all();
    for (const r of rows) {
      const status = TASK_STATUSES.find((x) => x === r.status);
      if (status) counts[status] = Number(r.n);
    }
    return counts;
  }

  /** How the plan's current revision changed its tasks. */
  revisionCounts(planId: string): RevisionCounts {
    const row = this.#ctx.db.prepare(
      `SELECT
         SUM(CASE WHEN status != 'cancelled' AND origin_plan_id IS NOT ? AND origin_plan_id != plan_id THEN 1 ELSE 0 END) AS kept,
         SUM(CASE WHEN status != 'cancelled' AND (origin_plan_id IS NULL OR origin_plan_id = plan_id) THEN 1 ELSE 0 END) AS fresh,
         SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled
       FROM tasks WHERE plan_id = ?`,
    ).get(null, planId) ?? {};
    return {
      kept: Number(row.kept ?? 0),
      new: Number(row.fresh ?? 0),
      cancelled: Number(row.cancelled ?? 0),
    };
  }

  /** Records which plan section each task implements. */
  setTaskSections(sections: ReadonlyMap<number, string>): void {
    const update = this.#ctx.db.prepare(`UPDATE tasks SET section_hash = ? WHERE id = ?`);
    transaction(this.#ctx.db, () => {
      for (const [id, hash] of sections) update.run(hash, id);
    });
  }

  #decode(row: Row): Task {
    const deps = this.#ctx.db.prepare(
      `SELECT depends_on FROM task_dependencies WHERE task_id = ? ORDER BY depends_on`,
    ).all(row.id ?? null);
    return decodeTask(row, deps.map((d) => Number(d.depends_on)));
  }
}

/** What makes a pending task runnable: its cooldown is over and every dependency completed. */
export const RUNNABLE = `AND (t.next_eligible_at IS NULL OR t.next_eligible_at <= ?)
       AND NOT EXISTS (
         SELECT 1 FROM task_dependencies d JOIN tasks dt ON dt.id = d.depends_on
         WHERE d.task_id = t.id AND dt.status != 'completed')`;

/**
 * The queue query: tasks of one status (`?`), of one plan (`?`, when `onePlan`), meeting
 * `extra`, of one phase (`? IS NULL OR ...`), in queue order, `LIMIT ?`.
 *
 * Plans come in age order and each plan's tasks through `tasks_plan_queue`, so rows come out
 * in queue order and `LIMIT 1` stops at the first match instead of sorting the queue.
 * `p.rowid` makes the plan order total for SQLite (a TEXT PRIMARY KEY may hold NULLs, so
 * `(created_at, id)` alone is not known to be unique): without it SQLite sorts each plan's
 * candidates in a temporary b-tree, judging every one of them first.
 */
export function queueSql(onePlan: boolean, extra: string): string {
  return `SELECT t.* FROM plans p CROSS JOIN tasks t ON t.plan_id = p.id AND t.status = ?
       WHERE ${onePlan ? "p.id = ?" : "1"} ${extra} AND (? IS NULL OR t.phase_name = ?)
       ORDER BY p.created_at, p.id, p.rowid, t.priority, t.id LIMIT ?`;
}
