/**
 * Where a plan works (issue 15). By default each plan `plans/<stem>.md` gets
 * its own new folder `<config dir>/<stem>/`. A plan may instead target an
 * existing folder: `workspace: .` (or `service/`) in its front matter, or
 * `paths.plan_workspace: project` in the config (the front matter wins).
 * Such a folder must be inside a git repository: LAO then works in a git
 * worktree of it, `<config dir>/.lao/worktrees/<stem>/`, on branch
 * `lao/<stem>` made from the current HEAD, and never touches the user's
 * working tree, index or branch (see `src/worktree/`).
 *
 * Outside git the plan is refused with the reason: without a repository LAO
 * could neither keep the user's files untouched nor offer `lao diff`,
 * `lao merge` and `lao discard` (a copy would have no safe way back).
 *
 * @module
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { UserError } from "../errors.ts";
import type { PlanPlacement } from "../store/types.ts";
import { planBranch, worktreeRoot } from "../worktree/paths.ts";
import { planFrontMatter, planSections } from "./plan_metadata.ts";

/** How plans without front matter are placed (`paths.plan_workspace`). */
export type PlanWorkspaceMode = "per-plan" | "project";

/** Options of the plan intake. */
export interface IntakeOptions {
  /** `paths.plan_workspace` (default `per-plan`). */
  planWorkspace?: PlanWorkspaceMode;
  /** Decompose the whole plan again (`lao run --plan X --redecompose`). */
  redecompose?: boolean;
}

/** The nearest folder at or above `dir` holding a `.git` entry (no git is run), or null. */
export function enclosingRepository(dir: string): string | null {
  for (let d = resolve(dir);;) {
    if (existsSync(join(d, ".git"))) return d;
    const up = dirname(d);
    if (up === d) return null;
    d = up;
  }
}

/** What the intake registers for a plan text: its sections and where it works. */
export interface PlacedPlan extends PlanPlacement {
  sections: { hash: string; heading: string }[];
  redecompose?: boolean;
}

/**
 * Places a plan (see module doc). Throws a one-line {@linkcode UserError}
 * when the plan targets a folder that is missing or not in a git repository.
 */
export function placePlan(
  configDir: string,
  stem: string,
  text: string,
  opts: IntakeOptions = {},
): PlacedPlan {
  const front = planFrontMatter(text);
  const sections = planSections(front.body).map((s) => ({ hash: s.hash, heading: s.heading }));
  const extra = opts.redecompose ? { redecompose: true } : {};
  const wanted = front.workspace ?? (opts.planWorkspace === "project" ? "." : undefined);
  if (wanted === undefined) return { sections, workspace: join(configDir, stem), ...extra };
  const target = resolve(configDir, wanted);
  const named = front.workspace !== undefined
    ? `its front matter's workspace "${wanted}"`
    : "paths.plan_workspace: project";
  if (!existsSync(target) || !statSync(target).isDirectory()) {
    throw new UserError(`${named} is ${target}, which is not a folder`);
  }
  const top = enclosingRepository(target);
  if (!top) {
    throw new UserError(
      `${named} is ${target}, which is not in a git repository; LAO works on existing code only ` +
        "in a git worktree (run git init and commit there, or remove workspace: to generate " +
        `into ${join(configDir, stem)}/)`,
    );
  }
  const root = worktreeRoot(configDir, stem);
  return {
    sections,
    workspace: join(root, relative(top, target)),
    workspaceKind: "worktree",
    target,
    branch: planBranch(stem),
    ...extra,
  };
}
