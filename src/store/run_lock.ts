/**
 * The run lock: a lease row (pid, host, heartbeat) so two `lao run` processes
 * on one database refuse cleanly instead of double-executing. A lease whose
 * heartbeat is older than its time-to-live (a killed process) is taken over.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { ExitCode, UserError } from "../errors.ts";
import { transaction } from "./db.ts";

/** Options of {@linkcode acquireRunLock}. */
export interface RunLockOptions {
  pid?: number;
  hostname?: string;
  /** Lease lifetime without a heartbeat (default 10 s). */
  ttlMs?: number;
  /** Heartbeat period (default 2 s). */
  heartbeatMs?: number;
  /** Clock (ms since epoch). */
  now?: () => number;
  /** When the holder has missed heartbeats, wait for its lease to expire instead of failing. */
  waitForStale?: boolean;
  /** Sleep used while waiting (injectable for tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** A held run lock. */
export interface RunLock {
  readonly token: string;
  /** Renews the lease now. Returns false if the lease was lost (taken over). */
  heartbeat(): boolean;
  /** Releases the lease and stops the heartbeat timer. */
  release(): void;
}

interface LockRow {
  token: string;
  pid: number;
  hostname: string;
  acquired_at: string;
  heartbeat_ms: number;
}

/** Tries to take the lock once. Returns the row that blocks it, or null on success. */
function tryAcquire(db: DatabaseSync, token: string, o: Required<RunLockOptions>): LockRow | null {
  return transaction(db, () => {
    const row = db.prepare(`SELECT * FROM run_lock WHERE id = 1`).get() as LockRow | undefined;
    const now = o.now();
    if (row && now - row.heartbeat_ms < o.ttlMs) return row;
    db.prepare(
      `INSERT INTO run_lock (id, token, pid, hostname, acquired_at, heartbeat_ms) VALUES (1, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET token = excluded.token, pid = excluded.pid, hostname = excluded.hostname,
         acquired_at = excluded.acquired_at, heartbeat_ms = excluded.heartbeat_ms`,
    ).run(token, o.pid, o.hostname, new Date(now).toISOString(), now);
    return null;
  });
}

/**
 * Acquires the run lock or throws a {@linkcode UserError} (exit 75) naming
 * the process that holds it. Starts a heartbeat timer (unref'd).
 */
export async function acquireRunLock(
  db: DatabaseSync,
  opts: RunLockOptions = {},
): Promise<RunLock> {
  const o: Required<RunLockOptions> = {
    pid: opts.pid ?? Deno.pid,
    hostname: opts.hostname ?? safeHostname(),
    ttlMs: opts.ttlMs ?? 10_000,
    heartbeatMs: opts.heartbeatMs ?? 2_000,
    now: opts.now ?? Date.now,
    waitForStale: opts.waitForStale ?? true,
    sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
  };
  const token = crypto.randomUUID();
  for (;;) {
    const holder = tryAcquire(db, token, o);
    if (!holder) break;
    if (o.waitForStale) {
      // Watch the holder for a few heartbeats: a live one renews its lease, a
      // killed one does not, and its lease is then waited out and taken over.
      await o.sleep(Math.ceil(o.heartbeatMs * 2.5));
      const again = db.prepare(`SELECT heartbeat_ms, token FROM run_lock WHERE id = 1`).get() as
        | { heartbeat_ms: number; token: string }
        | undefined;
      if (!again || again.token !== holder.token) continue;
      if (again.heartbeat_ms === holder.heartbeat_ms) {
        await o.sleep(Math.max(10, o.ttlMs - (o.now() - again.heartbeat_ms) + 10));
        continue;
      }
    }
    throw new UserError(
      `Cannot start: another "lao run" (pid ${holder.pid} on ${holder.hostname}, since ${holder.acquired_at}) is using this database; stop it first`,
      ExitCode.Locked,
    );
  }
  return heldLock(db, token, o);
}

/** The acquired lease: renewed every `heartbeatMs` (an unref'd timer) until released. */
function heldLock(db: DatabaseSync, token: string, o: Required<RunLockOptions>): RunLock {
  const heartbeat = () => {
    const res = db.prepare(`UPDATE run_lock SET heartbeat_ms = ? WHERE id = 1 AND token = ?`).run(
      o.now(),
      token,
    );
    return res.changes === 1;
  };
  const timer = setInterval(() => {
    try {
      heartbeat();
    } catch {
      // A busy database delays one heartbeat; the next one retries.
    }
  }, o.heartbeatMs);
  Deno.unrefTimer(timer);
  return {
    token,
    heartbeat,
    release() {
      clearInterval(timer);
      try {
        db.prepare(`DELETE FROM run_lock WHERE id = 1 AND token = ?`).run(token);
      } catch {
        // Closing anyway; a stale lease expires by itself.
      }
    },
  };
}

function safeHostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "localhost";
  }
}
