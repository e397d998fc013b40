/**
 * What a folder holds as a LAO project: whether it has a config, how many
 * plans, and its pending and failed task counts read from the project's own
 * database, opened read-only (never migrated, never written).
 *
 * @module
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { findConfigFile, loadConfig } from "../config/load.ts";

/** Facts about one project folder. */
export interface ProjectFacts {
  hasConfig: boolean;
  plansCount: number;
  pendingTasks: number;
  failedTasks: number;
  /** Where the counts came from (null: no database yet). */
  database: string | null;
}

/** True when `dir` looks like a LAO project (config, a plan, or a state database). */
export function isLaoProject(dir: string): boolean {
  return configFileIn(dir) !== null || countPlans(join(dir, "plans")) > 0 ||
    existsSync(join(dir, ".lao", "state.db"));
}

function configFileIn(dir: string): string | null {
  for (const name of ["factory.yaml", "factory.yml"]) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Plan files (`*.md` except README.md) directly in `plansDir`. */
export function countPlans(plansDir: string): number {
  try {
    return readdirSync(plansDir).filter((f) => /\.md$/i.test(f) && !/^readme\.md$/i.test(f))
      .length;
  } catch {
    return 0;
  }
}

/** Where the project's plans and database are (its config when it loads, else the defaults). */
function projectPaths(dir: string): { plans: string; database: string } {
  const fallback = { plans: join(dir, "plans"), database: join(dir, ".lao", "state.db") };
  const env = (name: string) => (name === "HOME" ? homeEnv() : undefined);
  if (!findConfigFile({ cwd: dir, env })) return fallback;
  try {
    const { config } = loadConfig({ cwd: dir, env });
    return { plans: config.paths.plans, database: config.paths.database };
  } catch {
    return fallback;
  }
}

/** Counts tasks by status in a state database opened read-only; zeros when absent. */
export function readTaskCounts(database: string): { pending: number; failed: number } | null {
  try {
    if (!statSync(database).isFile()) return null;
  } catch {
    return null;
  }
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(database, { readOnly: true });
    const rows = db.prepare(
      `SELECT status, COUNT(*) AS n FROM tasks WHERE status IN ('pending','failed')
         AND COALESCE(escalation_reason, '') <> 'superseded' GROUP BY status`,
    ).all() as { status: string; n: number }[];
    const of = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { pending: of("pending"), failed: of("failed") };
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

/** Reads the facts of project folder `dir`. */
export function projectFacts(dir: string): ProjectFacts {
  const paths = projectPaths(dir);
  const counts = readTaskCounts(paths.database);
  return {
    hasConfig: configFileIn(dir) !== null,
    plansCount: countPlans(paths.plans),
    pendingTasks: counts?.pending ?? 0,
    failedTasks: counts?.failed ?? 0,
    database: counts ? paths.database : null,
  };
}

function homeEnv(): string | undefined {
  try {
    return Deno.env.get("HOME");
  } catch {
    return undefined;
  }
}
