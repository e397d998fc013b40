/**
 * Storage faults in the user's terms: a full disk, and a state database that
 * is damaged, not SQLite, read-only or locked by another program. Each
 * becomes one {@linkcode UserError} line naming the file, what is wrong and
 * what to do, with its own exit code (73 disk full, 74 database).
 *
 * @module
 */
import { ExitCode, UserError } from "../errors.ts";

const DISK_FULL =
  /database or disk is full|no space left on device|ENOSPC|os error 28|quota exceeded|EDQUOT/i;

/** True when `err` (or its cause) is a full disk or exceeded quota. */
export function isDiskFull(err: unknown): boolean {
  return messages(err).some((m) => DISK_FULL.test(m)) || codes(err).includes("ENOSPC");
}

/** The one-line disk-full error for a write of `what` (a file or a description). */
export function diskFullError(what: string, cause?: unknown): UserError {
  return new UserError(
    `Disk full: cannot write ${what}: free space and run lao run again (nothing was lost)`,
    ExitCode.DiskFull,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Maps a storage failure to a one-line {@linkcode UserError}, or null when
 * it is not one. `database` is the state database's path, when known.
 */
export function storageFault(err: unknown, database?: string): UserError | null {
  if (err instanceof UserError) return err;
  const all = messages(err).join(" | ");
  if (!all) return null;
  const db = database ?? "the state database";
  if (isDiskFull(err)) {
    const sqlite = /database or disk is full/i.test(all);
    return diskFullError(sqlite ? db : (quotedPath(all) ?? "a file"), err);
  }
  if (!isSqliteError(err)) return null;
  const reason = (what: string, todo: string) =>
    new UserError(`Cannot use the state database ${db}: ${what}; ${todo}`, ExitCode.Database, {
      cause: err,
    });
  if (/file is not a database/i.test(all)) {
    return reason(
      "the file is not an SQLite database",
      `move it aside (mv ${db} ${db}.bad) or set paths.database to another file`,
    );
  }
  if (/malformed|corrupt|SQLITE_CORRUPT|SQLITE_NOTADB/i.test(all)) {
    return reason(
      "the file is damaged or truncated (database disk image is malformed)",
      `move it aside (mv ${db} ${db}.bad, with its -wal and -shm files) and run lao again to start a fresh one; plan workspaces and their git history are kept`,
    );
  }
  if (/readonly|read-only|os error 30/i.test(all)) {
    return reason(
      "it is read-only (attempt to write a readonly database)",
      "make the file and its folder writable (chmod u+w) or set paths.database to a writable place",
    );
  }
  if (/database is locked|database table is locked|SQLITE_BUSY|SQLITE_LOCKED/i.test(all)) {
    return reason(
      "another program holds a lock on it (database is locked)",
      "close it (a sqlite3 shell, a backup or sync tool, another LAO) and try again",
    );
  }
  if (/unable to open database file|cannot open/i.test(all)) {
    return reason(
      "the file cannot be opened",
      "check that its folder exists and is writable, or set paths.database elsewhere",
    );
  }
  if (/disk I\/O error|SQLITE_IOERR/i.test(all)) {
    return reason("the disk reported an I/O error", "check the disk, then try again");
  }
  if (/permission denied|EACCES|os error 13/i.test(all)) {
    return reason("permission denied", "make the file and its folder readable and writable");
  }
  return null;
}

function isSqliteError(err: unknown): boolean {
  return codes(err).some((c) => c.startsWith("ERR_SQLITE")) ||
    messages(err).some((m) => /sqlite|database/i.test(m));
}

function messages(err: unknown): string[] {
  const out: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (e instanceof Error) {
      out.push(e.message);
      e = e.cause;
    } else {
      out.push(String(e));
      break;
    }
  }
  return out;
}

function codes(err: unknown): string[] {
  const out: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") out.push(code);
    e = e.cause;
  }
  return out;
}

function quotedPath(message: string): string | undefined {
  return /'([^']+)'/.exec(message)?.[1] ?? /"([^"]+)"/.exec(message)?.[1];
}
