/**
 * The event log: every state change's event row (`events` table), written in
 * the same transaction as the change, and read back per task.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { LaoEvent } from "../events/types.ts";

/** The shared parts of the store's aggregates: one connection, one clock. */
export interface StoreContext {
  db: DatabaseSync;
  /** The store's clock. */
  now: () => Date;
  /** The store's clock as an ISO string. */
  nowIso: () => string;
}

/** Event rows on one connection. */
export class EventLog {
  #ctx: StoreContext;

  /** Wraps the store's connection and clock. */
  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  /** Appends an event row (inside the caller's transaction, if any). */
  insert(event: LaoEvent, planId: string | null, taskId: number | null): void {
    this.#ctx.db.prepare(
      `INSERT INTO events (type, plan_id, task_id, payload, created_at) VALUES (?, ?, ?, ?, ?)`,
    ).run(event.type, planId, taskId, JSON.stringify(event), this.#ctx.nowIso());
  }

  /** Events of a task, oldest first. */
  taskEvents(taskId: number): { type: string; payload: LaoEvent; created_at: string }[] {
    const rows = this.#ctx.db.prepare(
      `SELECT type, payload, created_at FROM events WHERE task_id = ? ORDER BY id`,
    ).all(taskId);
    return rows.map((r) => ({
      type: String(r.type),
      payload: JSON.parse(String(r.payload)) as LaoEvent,
      created_at: String(r.created_at),
    }));
  }
}
