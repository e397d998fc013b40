/**
 * Where LAO's own state may live. Plan workspaces are `<config dir>/<plan
 * stem>/` and the coder's shell writes there, so the database, `.lao/` and
 * the plans folder must not be inside a plan workspace, and neither the
 * database nor `.lao/` inside the plans folder (issue 9: a model that can
 * write LAO's database can rewrite its own verdicts).
 *
 * @module
 */
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** A refused placement: the setting at fault and why, one line. */
export interface PlacementProblem {
  path: string[];
  message: string;
}

/** Stems that never become plan workspaces (kept in step with the plan intake). */
const NEVER_WORKSPACES = new Set(["plans", "factory", "factory.example", "readme"]);

/** True when a folder name under the config folder can never be a plan workspace. */
export function neverWorkspace(name: string): boolean {
  const s = name.toLowerCase();
  return NEVER_WORKSPACES.has(s) || s.startsWith(".");
}

/** True when `child` is `parent` or inside it (paths resolved, symlinks followed where they exist). */
export function isInside(child: string, parent: string): boolean {
  const c = real(child);
  const p = real(parent);
  const rel = relative(p, c);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Checks the configured paths. `planStems` are the stems of the plan files
 * that exist now (their workspaces are `<configDir>/<stem>/`).
 */
export function checkPlacement(
  paths: { plans: string; database: string },
  configDir: string,
  planStems: readonly string[] = listStems(paths.plans),
): PlacementProblem | null {
  const laoDir = join(configDir, ".lao");
  const database = paths.database;
  if (isInside(laoDir, paths.plans)) {
    return {
      path: ["paths", "plans"],
      message:
        `the plans folder "${paths.plans}" contains LAO's state folder "${laoDir}"; use a folder of its own (default plans/)`,
    };
  }
  if (database !== ":memory:" && isInside(database, paths.plans)) {
    return {
      path: ["paths", "database"],
      message:
        `"${database}" is inside the plans folder "${paths.plans}"; put the database outside it (default .lao/state.db)`,
    };
  }
  for (const stem of planStems) {
    if (neverWorkspace(stem)) continue;
    const workspace = join(configDir, stem);
    if (database !== ":memory:" && isInside(database, workspace)) {
      return {
        path: ["paths", "database"],
        message:
          `"${database}" is inside the workspace of plan "${stem}" (${workspace}/), where the coder writes; put the database elsewhere (default .lao/state.db)`,
      };
    }
    if (isInside(paths.plans, workspace)) {
      return {
        path: ["paths", "plans"],
        message:
          `the plans folder "${paths.plans}" is inside the workspace of plan "${stem}" (${workspace}/), where the coder writes; move it (default plans/)`,
      };
    }
  }
  return null;
}

/**
 * Why a plan with this stem may not get its workspace `<configDir>/<stem>/`,
 * or null: the workspace would contain the database, the plans folder or the
 * config file.
 */
export function workspaceConflict(
  stem: string,
  configDir: string,
  paths: { plans: string; database: string },
  configFile: string | null,
): string | null {
  const workspace = join(configDir, stem);
  if (paths.database !== ":memory:" && isInside(paths.database, workspace)) {
    return `its workspace ${workspace}/ would contain LAO's database ${paths.database}`;
  }
  if (isInside(paths.plans, workspace)) {
    return `its workspace ${workspace}/ would contain the plans folder ${paths.plans}`;
  }
  if (configFile && isInside(configFile, workspace)) {
    return `its workspace ${workspace}/ would contain the configuration ${configFile}`;
  }
  return null;
}

function listStems(plansDir: string): string[] {
  try {
    return [...Deno.readDirSync(plansDir)].map((e) => e.name).filter((f) => /\.md$/i.test(f)).map((
      f,
    ) => basename(f).replace(/\.md$/i, ""));
  } catch {
    return [];
  }
}

/** Resolves symlinks of the longest existing prefix of `p`. */
function real(p: string): string {
  let head = resolve(p);
  const tail: string[] = [];
  while (!exists(head)) {
    const parent = dirname(head);
    if (parent === head) return resolve(p);
    tail.unshift(basename(head));
    head = parent;
  }
  try {
    return join(Deno.realPathSync(head), ...tail);
  } catch {
    return resolve(p);
  }
}

/** True when `p` names something (links followed); false on any error, as `existsSync`. */
function exists(p: string): boolean {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
}
