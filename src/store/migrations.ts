/**
 * Forward-only schema migrations. The schema version is SQLite's
 * `PRAGMA user_version`; each migration runs in its own transaction.
 *
 * @module
 */

/** One schema step. `version` is the version after it has run. */
export interface Migration {
  version: number;
  description: string;
  sql: string;
  /**
   * Run with foreign keys off (checked after, before the commit): needed to
   * rebuild a table that others reference (SQLite cannot change a CHECK in place).
   */
  rebuildsTables?: boolean;
}

/** All migrations, oldest first. Never edit a shipped migration: add a new one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "plans, chunks, tasks, dependencies, findings, llm calls, validation runs",
    sql: `
      CREATE TABLE plans (
        id TEXT PRIMARY KEY,
        filename TEXT NOT NULL,
        stem TEXT NOT NULL,
        source_path TEXT,
        status TEXT NOT NULL DEFAULT 'decomposing',
        revision_of TEXT REFERENCES plans(id),
        workspace TEXT,
        preflight_json TEXT,
        error TEXT,
        decompose_attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );
      CREATE TABLE plan_chunks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        chunk_index INTEGER NOT NULL,
        chunk_hash TEXT NOT NULL,
        chunk_text TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        tasks_json TEXT,
        error TEXT,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        UNIQUE (plan_id, chunk_hash)
      );
      CREATE TABLE tasks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        file_paths TEXT NOT NULL DEFAULT '[]',
        phase_name TEXT,
        deliverable_ids TEXT NOT NULL DEFAULT '[]',
        status TEXT NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending','coding','coded','review','completed','failed')),
        coder_output TEXT,
        feedback TEXT,
        code_signature TEXT,
        changed_files TEXT NOT NULL DEFAULT '[]',
        attempt INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL DEFAULT 3,
        next_eligible_at TEXT,
        escalation_reason TEXT,
        priority INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );
      CREATE INDEX tasks_status ON tasks(status);
      CREATE INDEX tasks_plan ON tasks(plan_id);
      CREATE TABLE task_dependencies (
        task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        depends_on INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        PRIMARY KEY (task_id, depends_on)
      );
      CREATE TABLE task_findings (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        attempt INTEGER NOT NULL,
        source TEXT NOT NULL,
        severity TEXT NOT NULL,
        file_path TEXT,
        issue_class TEXT NOT NULL,
        message TEXT NOT NULL,
        fix_hint TEXT,
        analyzer_id TEXT,
        analyzer_kind TEXT,
        confidence REAL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );
      CREATE TABLE llm_calls (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        task_id INTEGER REFERENCES tasks(id) ON DELETE SET NULL,
        plan_id TEXT,
        role TEXT NOT NULL,
        model TEXT NOT NULL,
        prompt_tokens INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        duration_s REAL NOT NULL DEFAULT 0,
        success INTEGER NOT NULL,
        error TEXT,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );
      CREATE TABLE validation_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        attempt INTEGER NOT NULL,
        kind TEXT NOT NULL,
        command TEXT NOT NULL,
        return_code INTEGER,
        success INTEGER NOT NULL,
        output TEXT,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE TABLE deliverables (
        plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        deliverable_id TEXT NOT NULL,
        description TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'not_started',
        status_reason TEXT,
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        PRIMARY KEY (plan_id, deliverable_id)
      );
      CREATE TABLE phases (
        plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        phase_name TEXT NOT NULL,
        phase_index INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        PRIMARY KEY (plan_id, phase_name)
      );
      CREATE TABLE pilot_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL,
        role TEXT NOT NULL,
        content TEXT,
        tool_calls TEXT,
        tool_call_id TEXT,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );
    `,
  },
  {
    version: 2,
    description: "events, run lock, previous code signature, task diff",
    sql: `
      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL,
        plan_id TEXT,
        task_id INTEGER,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );
      CREATE INDEX events_task ON events(task_id);
      CREATE TABLE run_lock (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        token TEXT NOT NULL,
        pid INTEGER NOT NULL,
        hostname TEXT NOT NULL,
        acquired_at TEXT NOT NULL,
        heartbeat_ms INTEGER NOT NULL
      );
      ALTER TABLE tasks ADD COLUMN prev_code_signature TEXT;
      ALTER TABLE tasks ADD COLUMN diff TEXT;
    `,
  },
  {
    version: 3,
    description:
      "plan files refused at intake (binary, not UTF-8, empty, reserved name, duplicate)",
    sql: `
      CREATE TABLE plan_refusals (
        source_path TEXT PRIMARY KEY,
        filename TEXT NOT NULL,
        reason TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );
    `,
  },
  {
    version: 4,
    description:
      "where a plan works (worktree, branch, base), revision sections, task origin and section, status cancelled",
    rebuildsTables: true,
    sql: `
      ALTER TABLE plans ADD COLUMN workspace_kind TEXT;
      ALTER TABLE plans ADD COLUMN target TEXT;
      ALTER TABLE plans ADD COLUMN branch TEXT;
      ALTER TABLE plans ADD COLUMN base_sha TEXT;
      ALTER TABLE plans ADD COLUMN sections_json TEXT;
      CREATE TABLE tasks_v4 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        plan_id TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        file_paths TEXT NOT NULL DEFAULT '[]',
        phase_name TEXT,
        deliverable_ids TEXT NOT NULL DEFAULT '[]',
        status TEXT NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending','coding','coded','review','completed','failed','cancelled')),
        coder_output TEXT,
        feedback TEXT,
        code_signature TEXT,
        changed_files TEXT NOT NULL DEFAULT '[]',
        attempt INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL DEFAULT 3,
        next_eligible_at TEXT,
        escalation_reason TEXT,
        priority INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        prev_code_signature TEXT,
        diff TEXT,
        origin_plan_id TEXT,
        section_hash TEXT
      );
      INSERT INTO tasks_v4 (id, plan_id, title, description, file_paths, phase_name, deliverable_ids,
        status, coder_output, feedback, code_signature, changed_files, attempt, max_attempts,
        next_eligible_at, escalation_reason, priority, created_at, updated_at, prev_code_signature,
        diff, origin_plan_id)
      SELECT id, plan_id, title, description, file_paths, phase_name, deliverable_ids,
        status, coder_output, feedback, code_signature, changed_files, attempt, max_attempts,
        next_eligible_at, escalation_reason, priority, created_at, updated_at, prev_code_signature,
        diff, plan_id FROM tasks;
      DROP TABLE tasks;
      ALTER TABLE tasks_v4 RENAME TO tasks;
      CREATE INDEX tasks_status ON tasks(status);
      CREATE INDEX tasks_plan ON tasks(plan_id);
    `,
  },
  {
    version: 5,
    description:
      "queue indexes: next task per plan in order, counts per plan, dependents of a task",
    sql: `
      CREATE INDEX tasks_plan_queue ON tasks(plan_id, status, priority, id);
      CREATE INDEX plans_age ON plans(created_at, id);
      CREATE INDEX task_dependencies_on ON task_dependencies(depends_on);
    `,
  },
  {
    version: 6,
    description: "model calls: prompt tokens the server processed, when it reported them",
    sql: `ALTER TABLE llm_calls ADD COLUMN prefill_tokens INTEGER;`,
  },
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
