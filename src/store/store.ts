/**
 * The durable queue and everything LAO remembers, on SQLite. Every task
 * transition is a guarded update (`... WHERE status = expected`) committed in
 * the same transaction as its event row, so a task can never be claimed twice
 * and the event log never disagrees with the tasks.
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { Emit } from "../events/bus.ts";
import type { LaoEvent, PlanStatus, TaskStatus } from "../events/types.ts";
import { openDatabase, transaction } from "./db.ts";
import { RecordStore } from "./records.ts";
import { cancelTransition, TASK_STATUSES, type Transition, TRANSITIONS } from "./task_machine.ts";
import {
  type NewTask,
  planId,
  type PlanPlacement,
  type PlanRow,
  type PlanSection,
  type QueueFilter,
  type RegisterResult,
  type RevisionCounts,
  type Task,
  type TaskPatch,
} from "./types.ts";

export * from "./types.ts";

type Row = Record<string, SQLInputValue>;

/** The state store. Construct with {@linkcode Store.open}. */
export class Store extends RecordStore {
  #emit: Emit;
  #now: () => Date;

  /** Wraps an open connection. */
  constructor(db: DatabaseSync, opts: { emit?: Emit; now?: () => Date } = {}) {
    super(db);
    this.#emit = opts.emit ?? (() => {});
    this.#now = opts.now ?? (() => new Date());
  }

  /** Opens (and migrates) the database at `path`. */
  static open(path: string, opts: { emit?: Emit; now?: () => Date } = {}): Store {
    return new Store(openDatabase(path), opts);
  }

  /** Closes the connection. */
  close(): void {
    this.db.close();
  }

  /** Emits an event on the store's bus (for records kept beside the store, e.g. plan refusals). */
  notify(event: LaoEvent): void {
    this.#emit(event);
  }

  /** Current time as an ISO string (the store's clock). */
  nowIso(): string {
    return this.#now().toISOString();
  }

  // ---------------------------------------------------------------- plans

  /**
   * Registers a plan by content hash. Identical content is deduped. A plan
   * file whose text changed becomes a new revision. With `sections` (see
   * `planSections`) and a previous revision that recorded its own, the
   * revision is incremental: every task moves to the new revision, tasks of
   * sections that are gone are cancelled (completed ones stay completed), and
   * only new or changed sections are left to decompose. Otherwise, or with
   * `redecompose`, the old revision's open tasks are cancelled and the whole
   * plan is decomposed again; `redecompose` on unchanged content redoes the
   * plan in place.
   */
  registerPlan(
    input: {
      filename: string;
      stem: string;
      text: string;
      sourcePath?: string;
      sections?: { hash: string; heading: string }[];
      redecompose?: boolean;
    } & PlanPlacement,
  ): RegisterResult {
    const id = planId(input.text);
    const events: LaoEvent[] = [];
    const result = transaction(this.db, (): RegisterResult => {
      const existing = this.getPlan(id);
      if (existing) {
        if (!input.redecompose) return { plan: existing, created: false, supersedes: null };
        const cancelled = this.#cancelIn(id, () => true, "the plan is decomposed again", events);
        this.db.prepare(`DELETE FROM plan_chunks WHERE plan_id = ?`).run(id);
        this.db.prepare(`UPDATE plans SET sections_json = ?, decompose_attempts = 0 WHERE id = ?`)
          .run(sectionsJson(input.sections, () => true), id);
        this.#setPlanStatusIn(id, "decomposing", "redecompose requested", events);
        return {
          plan: this.getPlan(id)!,
          created: true,
          supersedes: null,
          revision: { kept: 0, cancelled, decompose: input.sections?.length ?? 0 },
        };
      }
      const previous = this.db.prepare(
        `SELECT * FROM plans WHERE stem = ? AND status NOT IN ('superseded', 'discarded')
         ORDER BY created_at DESC LIMIT 1`,
      ).get(input.stem) as PlanRow | undefined;
      const oldSections = previous?.sections_json
        ? (JSON.parse(previous.sections_json) as PlanSection[])
        : null;
      const incremental = !!previous && !!oldSections && !!input.sections && !input.redecompose;
      const oldHashes = new Set(oldSections?.map((x) => x.hash) ?? []);
      const newHashes = new Set(input.sections?.map((x) => x.hash) ?? []);
      const decompose = incremental ? (h: string) => !oldHashes.has(h) : () => true;
      const toDecompose = input.sections?.filter((x) => decompose(x.hash)).length ?? 1;
      const now = this.nowIso();
      this.db.prepare(
        `INSERT INTO plans (id, filename, stem, source_path, status, revision_of, workspace,
           workspace_kind, target, branch, sections_json, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'decomposing', ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        input.filename,
        input.stem,
        input.sourcePath ?? null,
        previous?.id ?? null,
        input.workspace ?? null,
        input.workspaceKind ?? null,
        input.target ?? null,
        input.branch ?? null,
        sectionsJson(input.sections, decompose),
        now,
        now,
      );
      events.push({
        type: "plan.registered",
        planId: id,
        filename: input.filename,
        ...(previous ? { revisionOf: previous.id } : {}),
      });
      let revision: RegisterResult["revision"];
      if (previous && incremental) {
        // base_sha stays: the branch and worktree are the same.
        this.db.prepare(`UPDATE plans SET base_sha = ? WHERE id = ?`).run(previous.base_sha, id);
        this.db.prepare(`UPDATE tasks SET plan_id = ? WHERE plan_id = ?`).run(id, previous.id);
        this.db.prepare(
          `INSERT OR IGNORE INTO deliverables (plan_id, deliverable_id, description, status, status_reason)
           SELECT ?, deliverable_id, description, status, status_reason FROM deliverables WHERE plan_id = ?`,
        ).run(id, previous.id);
        const cancelled = this.#cancelIn(
          id,
          (t) =>
            t.section_hash !== null && !newHashes.has(t.section_hash) && t.status !== "completed",
          `its section is no longer in ${input.filename} (revision ${id})`,
          events,
        );
        const kept = this.listTasks(id).filter((t) => t.status !== "cancelled").length;
        revision = { kept, cancelled, decompose: toDecompose };
      } else if (previous) {
        const cancelled = this.#cancelIn(
          previous.id,
          (t) => t.status !== "completed",
          `superseded by a new revision of ${input.filename} (plan ${id})`,
          events,
        );
        revision = { kept: 0, cancelled, decompose: toDecompose };
      }
      if (previous) this.#setPlanStatusIn(previous.id, "superseded", `replaced by ${id}`, events);
      if (incremental && toDecompose === 0) {
        this.#setPlanStatusIn(id, "active", "no new or changed sections", events);
      }
      return {
        plan: this.getPlan(id)!,
        created: true,
        supersedes: previous ?? null,
        ...(revision ? { revision } : {}),
      };
    });
    for (const e of events) this.#emit(e);
    return result;
  }

  /** Cancels the plan's tasks `which` selects (those not in work); returns how many. */
  #cancelIn(
    planId: string,
    which: (t: Task) => boolean,
    why: string,
    events: LaoEvent[],
  ): number {
    let n = 0;
    for (const t of this.listTasks(planId)) {
      const name = cancelTransition(t.status);
      if (!name || !which(t)) continue;
      if (
        this.#transitionIn(
          t.id,
          name,
          { escalation_reason: "cancelled", feedback: why },
          events,
          why,
        )
      ) n++;
    }
    return n;
  }

  /** How the plan's current revision changed its tasks. */
  revisionCounts(planId: string): RevisionCounts {
    const row = this.db.prepare(
      `SELECT
         SUM(CASE WHEN status != 'cancelled' AND origin_plan_id IS NOT ? AND origin_plan_id != plan_id THEN 1 ELSE 0 END) AS kept,
         SUM(CASE WHEN status != 'cancelled' AND (origin_plan_id IS NULL OR origin_plan_id = plan_id) THEN 1 ELSE 0 END) AS fresh,
         SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled
       FROM tasks WHERE plan_id = ?`,
    ).get(null, planId) as { kept: number | null; fresh: number | null; cancelled: number | null };
    return { kept: row.kept ?? 0, new: row.fresh ?? 0, cancelled: row.cancelled ?? 0 };
  }

  /** Records which plan section each task implements. */
  setTaskSections(sections: ReadonlyMap<number, string>): void {
    const update = this.db.prepare(`UPDATE tasks SET section_hash = ? WHERE id = ?`);
    transaction(this.db, () => {
      for (const [id, hash] of sections) update.run(hash, id);
    });
  }

  /** Marks every section of the plan's revision as decomposed. */
  markSectionsDecomposed(id: string): void {
    const plan = this.getPlan(id);
    if (!plan?.sections_json) return;
    const sections = (JSON.parse(plan.sections_json) as PlanSection[])
      .map((x) => ({ ...x, decompose: false }));
    this.db.prepare(`UPDATE plans SET sections_json = ? WHERE id = ?`)
      .run(JSON.stringify(sections), id);
  }

  /** Cancels every open task of a plan (e.g. `lao discard`); returns how many. */
  cancelPlanTasks(planId: string, why: string): number {
    const events: LaoEvent[] = [];
    const n = transaction(
      this.db,
      () => this.#cancelIn(planId, (t) => t.status !== "completed", why, events),
    );
    for (const e of events) this.#emit(e);
    return n;
  }

  /** A plan by id. */
  getPlan(id: string): PlanRow | undefined {
    return this.db.prepare(`SELECT * FROM plans WHERE id = ?`).get(id) as PlanRow | undefined;
  }

  /** All plans, oldest first. */
  listPlans(): PlanRow[] {
    return this.db.prepare(`SELECT * FROM plans ORDER BY created_at, id`)
      .all() as unknown as PlanRow[];
  }

  /** Sets a plan's status (with an event row). */
  setPlanStatus(id: string, to: PlanStatus, reason?: string): void {
    const events: LaoEvent[] = [];
    transaction(this.db, () => this.#setPlanStatusIn(id, to, reason, events));
    for (const e of events) this.#emit(e);
  }

  /** Updates plan fields that are not its status. */
  updatePlan(
    id: string,
    patch: { workspace?: string; preflight_json?: string; base_sha?: string },
  ): void {
    for (const [key, value] of Object.entries(patch)) {
      this.db.prepare(`UPDATE plans SET ${key} = ?, updated_at = ? WHERE id = ?`).run(
        value,
        this.nowIso(),
        id,
      );
    }
  }

  /**
   * Records a failed decomposition. The plan stays retryable: it is picked up
   * again after `retryAfterS` seconds (fixes spec §11.2).
   */
  markDecompositionFailed(id: string, error: string, retryAfterS: number): void {
    const events: LaoEvent[] = [];
    transaction(this.db, () => {
      const next = new Date(this.#now().getTime() + retryAfterS * 1000).toISOString();
      this.db.prepare(
        `UPDATE plans SET error = ?, decompose_attempts = decompose_attempts + 1, next_attempt_at = ? WHERE id = ?`,
      ).run(error, next, id);
      this.#setPlanStatusIn(id, "decomposition_failed", error, events);
    });
    for (const e of events) this.#emit(e);
  }

  /** Plans waiting for the architect: new ones, and failed ones whose retry time has come. */
  plansToDecompose(): PlanRow[] {
    return this.db.prepare(
      `SELECT * FROM plans WHERE status = 'decomposing'
          OR (status = 'decomposition_failed' AND (next_attempt_at IS NULL OR next_attempt_at <= ?))
       ORDER BY created_at, id`,
    ).all(this.nowIso()) as unknown as PlanRow[];
  }

  #setPlanStatusIn(id: string, to: PlanStatus, reason: string | undefined, events: LaoEvent[]) {
    const plan = this.getPlan(id);
    if (!plan || plan.status === to) return;
    this.db.prepare(`UPDATE plans SET status = ?, updated_at = ? WHERE id = ?`).run(
      to,
      this.nowIso(),
      id,
    );
    const event: LaoEvent = {
      type: "plan.status",
      planId: id,
      from: plan.status,
      to,
      ...(reason ? { reason } : {}),
    };
    this.#insertEvent(event, id, null);
    events.push(event);
  }

  // ---------------------------------------------------------------- chunks

  /** Returns the stored chunk with this content hash, creating it as `pending`. */
  upsertChunk(
    planId: string,
    index: number,
    hash: string,
    text: string,
  ): { status: string; tasks_json: string | null } {
    this.db.prepare(
      `INSERT INTO plan_chunks (plan_id, chunk_index, chunk_hash, chunk_text) VALUES (?, ?, ?, ?)
       ON CONFLICT (plan_id, chunk_hash) DO UPDATE SET chunk_index = excluded.chunk_index`,
    ).run(planId, index, hash, text);
    return this.db.prepare(
      `SELECT status, tasks_json FROM plan_chunks WHERE plan_id = ? AND chunk_hash = ?`,
    ).get(planId, hash) as { status: string; tasks_json: string | null };
  }

  /** Stores a chunk's result. */
  finishChunk(planId: string, hash: string, result: { tasksJson?: string; error?: string }): void {
    this.db.prepare(
      `UPDATE plan_chunks SET status = ?, tasks_json = ?, error = ?, updated_at = ? WHERE plan_id = ? AND chunk_hash = ?`,
    ).run(
      result.error ? "failed" : "completed",
      result.tasksJson ?? null,
      result.error ?? null,
      this.nowIso(),
      planId,
      hash,
    );
  }

  // ---------------------------------------------------------------- tasks

  /**
   * Inserts a plan's tasks in one transaction and marks the plan `active`.
   * Dependencies are given as indexes into `tasks` and stored as task ids.
   */
  insertTasks(planId: string, tasks: NewTask[], maxAttempts: number): number[] {
    const events: LaoEvent[] = [];
    const ids = transaction(this.db, () => {
      const insert = this.db.prepare(
        `INSERT INTO tasks (plan_id, title, description, file_paths, phase_name, deliverable_ids, max_attempts, priority, created_at, updated_at, origin_plan_id, section_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const now = this.nowIso();
      const base =
        (this.db.prepare(`SELECT COALESCE(MAX(priority) + 1, 0) AS p FROM tasks WHERE plan_id = ?`)
          .get(planId) as { p: number }).p;
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
      const dep = this.db.prepare(
        `INSERT OR IGNORE INTO task_dependencies (task_id, depends_on) VALUES (?, ?)`,
      );
      tasks.forEach((t, i) => {
        for (const d of t.dependsOn) {
          const target = ids[d];
          if (target !== undefined && d !== i) dep.run(ids[i]!, target);
        }
        for (const existing of t.dependsOnIds ?? []) dep.run(ids[i]!, existing);
      });
      for (const [i, id] of ids.entries()) {
        const event: LaoEvent = {
          type: "task.transition",
          taskId: id,
          planId,
          from: null,
          to: "pending",
          reason: `created (${i + 1}/${ids.length})`,
        };
        this.#insertEvent(event, planId, id);
        events.push(event);
      }
      this.#setPlanStatusIn(planId, "active", `${ids.length} tasks`, events);
      return ids;
    });
    for (const e of events) this.#emit(e);
    return ids;
  }

  /** A task by id (with its dependency ids). */
  getTask(id: number): Task | undefined {
    const row = this.db.prepare(`SELECT * FROM tasks WHERE id = ?`).get(id) as Row | undefined;
    return row ? this.#decode(row) : undefined;
  }

  /** Tasks of a plan (or all), by priority. */
  listTasks(planId?: string): Task[] {
    const rows =
      (planId
        ? this.db.prepare(`SELECT * FROM tasks WHERE plan_id = ? ORDER BY priority, id`).all(planId)
        : this.db.prepare(
          `SELECT t.* FROM tasks t JOIN plans p ON p.id = t.plan_id ORDER BY p.created_at, t.plan_id, t.priority, t.id`,
        ).all()) as Row[];
    return rows.map((r) => this.#decode(r));
  }

  /**
   * Moves a task along a legal transition, atomically with its event row.
   * Returns false (and changes nothing) when the task is not in the
   * transition's `from` status — e.g. another process claimed it first.
   */
  transition(taskId: number, name: Transition, patch: TaskPatch = {}, reason?: string): boolean {
    const events: LaoEvent[] = [];
    const ok = transaction(this.db, () => this.#transitionIn(taskId, name, patch, events, reason));
    for (const e of events) this.#emit(e);
    return ok;
  }

  #transitionIn(
    taskId: number,
    name: Transition,
    patch: TaskPatch,
    events: LaoEvent[],
    reason?: string,
  ): boolean {
    const [from, to] = TRANSITIONS[name];
    const sets = ["status = ?", "updated_at = ?"];
    const values: SQLInputValue[] = [to, this.nowIso()];
    for (const [key, value] of Object.entries(patch)) {
      sets.push(`${key} = ?`);
      values.push(Array.isArray(value) ? JSON.stringify(value) : (value as SQLInputValue));
    }
    const res = this.db.prepare(
      `UPDATE tasks SET ${sets.join(", ")} WHERE id = ? AND status = ?`,
    ).run(...values, taskId, from);
    if (res.changes !== 1) return false;
    const row = this.db.prepare(
      `SELECT plan_id, title, attempt, max_attempts FROM tasks WHERE id = ?`,
    ).get(taskId) as { plan_id: string; title: string; attempt: number; max_attempts: number };
    const planId = row.plan_id;
    const why = reason ?? patch.escalation_reason ?? name;
    const event: LaoEvent = {
      type: "task.transition",
      taskId,
      planId,
      from,
      to,
      reason: why,
      title: row.title,
      attempt: row.attempt + 1,
      maxAttempts: row.max_attempts,
    };
    this.#insertEvent(event, planId, taskId);
    events.push(event);
    return true;
  }

  /**
   * Pending tasks that may run now: cooldown passed and every dependency
   * completed, ordered by plan age then priority. Tasks with a failed
   * dependency are failed first (cascading), with the reason.
   */
  runnable(opts: QueueFilter = {}): Task[] {
    this.failBlocked();
    return this.#queue(
      "pending",
      `AND (t.next_eligible_at IS NULL OR t.next_eligible_at <= ?)
       AND NOT EXISTS (
         SELECT 1 FROM task_dependencies d JOIN tasks dt ON dt.id = d.depends_on
         WHERE d.task_id = t.id AND dt.status != 'completed')`,
      [this.nowIso()],
      opts,
    );
  }

  /** The earliest future `next_eligible_at` among pending tasks, if any (for waiting out cooldowns). */
  nextCooldownEnd(planId?: string | null): Date | null {
    const row = this.db.prepare(
      `SELECT MIN(next_eligible_at) AS t FROM tasks WHERE status = 'pending' AND next_eligible_at > ?
         AND (? IS NULL OR plan_id = ?)`,
    ).get(this.nowIso(), planId ?? null, planId ?? null) as { t: string | null };
    return row.t ? new Date(row.t) : null;
  }

  /** Coded tasks waiting for review, oldest plan and priority first. */
  coded(opts: QueueFilter = {}): Task[] {
    return this.#queue("coded", "", [], opts);
  }

  /** Tasks in `status` (plus `extra` conditions) by plan age and priority. */
  #queue(status: TaskStatus, extra: string, params: SQLInputValue[], opts: QueueFilter): Task[] {
    // Plans in age order, each plan's tasks through tasks_plan_queue: rows come out in
    // queue order, so `LIMIT 1` stops at the first match instead of sorting the queue.
    const plan = opts.planId ? "p.id = ?" : "1";
    const rows = this.db.prepare(
      `SELECT t.* FROM plans p CROSS JOIN tasks t ON t.plan_id = p.id AND t.status = ?
       WHERE ${plan} ${extra} AND (? IS NULL OR t.phase_name = ?)
       ORDER BY p.created_at, p.id, t.priority, t.id LIMIT ?`,
    ).all(
      status,
      ...(opts.planId ? [opts.planId] : []),
      ...params,
      opts.phase ?? null,
      opts.phase ?? null,
      opts.limit ?? 1_000_000,
    ) as Row[];
    return rows.map((r) => this.#decode(r));
  }

  /** Fails pending tasks whose dependencies failed, repeating until nothing changes. Returns how many. */
  failBlocked(): number {
    let total = 0;
    for (;;) {
      const blocked = this.db.prepare(
        // From the (few) failed tasks to their dependents, not from every pending task.
        `SELECT t.id, group_concat(dt.title, ', ') AS titles FROM tasks dt
         CROSS JOIN task_dependencies d ON d.depends_on = dt.id JOIN tasks t ON t.id = d.task_id
         WHERE dt.status = 'failed' AND t.status = 'pending' GROUP BY t.id`,
      ).all() as { id: number; titles: string }[];
      if (blocked.length === 0) return total;
      for (const b of blocked) {
        if (
          this.transition(b.id, "dependency_failed", {
            escalation_reason: "dependency_blocked",
            feedback: `Blocked by failed dependencies: ${b.titles}`,
          }, `Blocked by failed dependencies: ${b.titles}`)
        ) total++;
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

  /** Tasks in one status. */
  listByStatus(status: TaskStatus): Task[] {
    return (this.db.prepare(`SELECT * FROM tasks WHERE status = ? ORDER BY id`).all(
      status,
    ) as Row[])
      .map((r) => this.#decode(r));
  }

  /** Every failed task (optionally of one plan) → pending with attempt 0. Returns how many. */
  retryFailed(planId?: string): number {
    const failed = this.listByStatus("failed").filter((t) => !planId || t.plan_id === planId)
      .filter((t) => t.escalation_reason !== "superseded");
    let n = 0;
    for (const t of failed) {
      if (
        this.transition(t.id, "retry", {
          attempt: 0,
          feedback: null,
          next_eligible_at: null,
          escalation_reason: null,
        }, "retry requested")
      ) n++;
      const plan = this.getPlan(t.plan_id);
      if (plan?.status === "completed" || plan?.status === "failed") {
        this.setPlanStatus(plan.id, "active", "retry");
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
    const rows = (planId
      ? this.db.prepare(
        `SELECT status, COUNT(*) AS n FROM tasks WHERE plan_id = ? GROUP BY status`,
      )
        .all(planId)
      : this.db.prepare(`SELECT status, COUNT(*) AS n FROM tasks GROUP BY status`).all()) as {
        status: TaskStatus;
        n: number;
      }[];
    for (const r of rows) counts[r.status] = r.n;
    return counts;
  }

  /**
   * Marks every active plan whose tasks are all completed as `completed`, and
   * one whose tasks all failed as `failed`. Some failed tasks next to completed
   * ones keep a plan open (fixes spec §11.15). With `strict`, every
   * deliverable must also be in one of the allowed statuses. Returns the
   * plans closed.
   */
  closeFinishedPlans(strict?: { allowedStatuses: string[] }): string[] {
    const closed: string[] = [];
    const allowed = strict?.allowedStatuses.map((x) => x.trim().toLowerCase()).filter(Boolean);
    for (const plan of this.listPlans().filter((p) => p.status === "active")) {
      const c = this.statusCounts(plan.id);
      // Cancelled tasks are done and count for neither side.
      const total = Object.values(c).reduce((a, b) => a + b, 0) - c.cancelled;
      if (total > 0 && c.failed === total) {
        this.setPlanStatus(plan.id, "failed", "every task failed");
        continue;
      }
      if (total === 0 || c.completed !== total) continue;
      if (allowed && this.deliverables(plan.id).some((d) => !allowed.includes(d.status))) continue;
      this.setPlanStatus(plan.id, "completed", "all tasks completed");
      closed.push(plan.id);
    }
    return closed;
  }

  /** Records an event that is not a transition (e.g. a model swap) in the event log. */
  logEvent(event: LaoEvent, planId?: string | null, taskId?: number | null): void {
    this.#insertEvent(event, planId ?? null, taskId ?? null);
  }

  /** Events of a task, oldest first. */
  taskEvents(taskId: number): { type: string; payload: LaoEvent; created_at: string }[] {
    return (this.db.prepare(
      `SELECT type, payload, created_at FROM events WHERE task_id = ? ORDER BY id`,
    )
      .all(taskId) as { type: string; payload: string; created_at: string }[]).map((r) => ({
        ...r,
        payload: JSON.parse(r.payload) as LaoEvent,
      }));
  }

  #insertEvent(event: LaoEvent, planId: string | null, taskId: number | null): void {
    this.db.prepare(
      `INSERT INTO events (type, plan_id, task_id, payload, created_at) VALUES (?, ?, ?, ?, ?)`,
    ).run(event.type, planId, taskId, JSON.stringify(event), this.nowIso());
  }

  #decode(row: Row): Task {
    const deps = this.db.prepare(
      `SELECT depends_on FROM task_dependencies WHERE task_id = ? ORDER BY depends_on`,
    )
      .all(row.id as number) as { depends_on: number }[];
    return {
      ...(row as unknown as Task),
      file_paths: JSON.parse(String(row.file_paths ?? "[]")),
      deliverable_ids: JSON.parse(String(row.deliverable_ids ?? "[]")),
      changed_files: JSON.parse(String(row.changed_files ?? "[]")),
      dependencies: deps.map((d) => d.depends_on),
    };
  }
}

function sectionsJson(
  sections: { hash: string; heading: string }[] | undefined,
  decompose: (hash: string) => boolean,
): string | null {
  if (!sections) return null;
  return JSON.stringify(sections.map((x) => ({ ...x, decompose: decompose(x.hash) })));
}
