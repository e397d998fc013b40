/**
 * Plan files the intake refused (binary, not UTF-8, empty, a reserved name,
 * the same text as another plan, a workspace that would hold LAO's state),
 * with the reason shown by `lao status`. A refusal is warned about once per
 * version of the file: the fingerprint changes when the file does.
 *
 * @module
 */
import type { Store } from "./store.ts";

/** One refused plan file. */
export interface PlanRefusal {
  source_path: string;
  filename: string;
  reason: string;
  fingerprint: string;
  updated_at: string;
}

/**
 * Records a refusal. Returns true (and emits one warning line) when it is
 * new or the file changed since it was last refused.
 */
export function refusePlanFile(
  store: Store,
  r: { path: string; filename: string; reason: string; fingerprint: string },
): boolean {
  const old = store.db.prepare(
    `SELECT fingerprint, reason FROM plan_refusals WHERE source_path = ?`,
  ).get(r.path);
  if (old && old.fingerprint === r.fingerprint && old.reason === r.reason) return false;
  store.db.prepare(
    `INSERT INTO plan_refusals (source_path, filename, reason, fingerprint, updated_at)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (source_path) DO UPDATE SET filename = excluded.filename, reason = excluded.reason,
       fingerprint = excluded.fingerprint, updated_at = excluded.updated_at`,
  ).run(r.path, r.filename, r.reason, r.fingerprint, store.nowIso());
  store.notify({
    type: "log",
    level: "warn",
    message: `${r.filename}: not taken in: ${r.reason}`,
    source: "intake",
  });
  return true;
}

/** Forgets the refusal of a file (it was fixed, taken in or removed). */
export function clearPlanRefusal(store: Store, path: string): void {
  store.db.prepare(`DELETE FROM plan_refusals WHERE source_path = ?`).run(path);
}

/** Every refused plan file, by file name. */
export function listPlanRefusals(store: Store): PlanRefusal[] {
  return store.db.prepare(`SELECT * FROM plan_refusals ORDER BY filename, source_path`)
    .all().map((row) => ({
      source_path: String(row.source_path),
      filename: String(row.filename),
      reason: String(row.reason),
      fingerprint: String(row.fingerprint),
      updated_at: String(row.updated_at),
    }));
}
