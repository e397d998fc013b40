/**
 * Opens the SQLite state database (`node:sqlite`, compiled into the binary):
 * WAL journal, a busy timeout so concurrent writers wait instead of failing,
 * foreign keys on, and forward migrations to the current schema version.
 *
 * @module
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { ExitCode, UserError } from "../errors.ts";
import { storageFault } from "./storage_faults.ts";
import { type Migration, MIGRATIONS, SCHEMA_VERSION } from "./migrations.ts";

/** Options of {@linkcode openDatabase}. */
export interface OpenOptions {
  /** Milliseconds a writer waits for a lock before failing (default 15000). */
  busyTimeoutMs?: number;
  /** Migrations to apply (tests pass a prefix to build an old schema). */
  migrations?: readonly Migration[];
}

/** Most statements one connection keeps prepared (the store's SQL texts are a few dozen). */
const MAX_CACHED_STATEMENTS = 256;

/**
 * Makes `db.prepare` return the statement it prepared before for the same SQL
 * text: the store asks for the same few statements on every transition, and
 * preparing one costs more than running it. Statements here are run to
 * completion at once (`run`, `get`, `all`; no `iterate`), so sharing one is safe.
 */
function reuseStatements(db: DatabaseSync): DatabaseSync {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, StatementSync>();
  db.prepare = (sql: string): StatementSync => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = prepare(sql);
      if (cache.size >= MAX_CACHED_STATEMENTS) cache.delete(cache.keys().next().value!);
      cache.set(sql, statement);
    }
    return statement;
  };
  return db;
}

/**
 * Opens (creating if needed) and migrates the database at `path`. A damaged,
 * non-SQLite, truncated, read-only or foreign-locked file, or a full disk,
 * is one {@linkcode UserError} line naming the file and what to do.
 */
export function openDatabase(path: string, opts: OpenOptions = {}): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    if (path !== ":memory:") {
      mkdirSync(dirname(path), { recursive: true });
      if (existsSync(path) && !statSync(path).isFile()) {
        throw new UserError(
          `Cannot use the state database ${path}: it is not a file; set paths.database to a file`,
          ExitCode.Database,
        );
      }
    }
    db = new DatabaseSync(path);
    db.exec(`PRAGMA busy_timeout = ${opts.busyTimeoutMs ?? 15000}`);
    // Reading the schema reads the header and the first page: not SQLite, truncated and
    // damaged files fail here rather than in the middle of a command.
    db.prepare("SELECT count(*) FROM sqlite_master").get();
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
    migrate(db, opts.migrations ?? MIGRATIONS);
    return reuseStatements(db);
  } catch (err) {
    try {
      db?.close();
    } catch {
      // closing a half-open connection may fail; the original error matters
    }
    throw storageFault(err, path) ??
      new UserError(
        `Cannot open database "${path}": ${(err as Error).message}`,
        ExitCode.Database,
        {
          cause: err,
        },
      );
  }
}

/** Current schema version of an open database. */
export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare("PRAGMA user_version").get() as { user_version: number };
  return row.user_version;
}

/** Applies every migration newer than the database's version, each atomically. */
export function migrate(db: DatabaseSync, migrations: readonly Migration[] = MIGRATIONS): void {
  const current = schemaVersion(db);
  const newest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > Math.max(newest, SCHEMA_VERSION)) {
    throw new UserError(
      `Cannot use database: its schema version ${current} is newer than this LAO supports (${SCHEMA_VERSION}); upgrade LAO`,
    );
  }
  for (const m of migrations) {
    if (m.version <= schemaVersion(db)) continue;
    // Foreign keys can only be switched outside a transaction; a rebuilt table must not
    // cascade its DROP into the tables that reference it.
    if (m.rebuildsTables) db.exec("PRAGMA foreign_keys = OFF");
    try {
      transaction(db, () => {
        // Re-check inside the write lock: another process may have migrated meanwhile.
        if (m.version <= schemaVersion(db)) return;
        db.exec(m.sql);
        if (m.rebuildsTables && db.prepare("PRAGMA foreign_key_check").all().length > 0) {
          throw new Error(`migration ${m.version} left rows without their parent`);
        }
        db.exec(`PRAGMA user_version = ${m.version}`);
      });
    } finally {
      if (m.rebuildsTables) db.exec("PRAGMA foreign_keys = ON");
    }
  }
}

/**
 * Runs `fn` inside `BEGIN IMMEDIATE … COMMIT` (rolled back on error). The
 * immediate lock makes concurrent writers queue on the busy timeout instead of
 * failing half-way.
 */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = fn();
    db.exec("COMMIT");
    return result;
  } catch (err) {
    try {
      db.exec("ROLLBACK");
    } catch {
      // The transaction may already be gone; the original error matters.
    }
    throw err;
  }
}
