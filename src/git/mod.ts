/**
 * Git traceability: every plan a repository, every phase a commit, every task
 * undoable. Use {@linkcode openPlanGit} to get a {@linkcode PlanGitPort} for a
 * plan workspace; it is a no-op {@linkcode NoGit} when git is disabled.
 *
 * @module
 */
import { join } from "node:path";
import type { Config } from "../config/schema.ts";
import type { Emit } from "../events/bus.ts";
import { PlanGit } from "./commits.ts";
import { NoGit } from "./no_git.ts";
import type { PlanGitPort } from "./port.ts";
import { GitRunner } from "./runner.ts";

export { PlanGit } from "./commits.ts";
export { NoGit } from "./no_git.ts";
export { GitRunner } from "./runner.ts";
export { prepareRepo } from "./repo.ts";
export { undoTask } from "./undo.ts";
export { formatLog, planLog } from "./log.ts";
export type { LogEntry } from "./log.ts";
export type * from "./port.ts";

/** The empty hooks folder LAO uses under a config directory: `<dir>/.lao/empty-hooks`. */
export function emptyHooksDir(configDir: string): string {
  return join(configDir, ".lao", "empty-hooks");
}

/** Options for {@linkcode openPlanGit}. */
export interface OpenPlanGitOptions {
  /** The plan workspace. */
  workspace: string;
  /** The `git` config section. */
  git: Config["git"];
  /** False for `--no-git`. */
  enabled?: boolean;
  /** Shared runner (create one per process with {@linkcode GitRunner}). */
  runner: GitRunner;
  /** Event sink. */
  emit?: Emit;
  /** Plan languages for a new `.gitignore`. */
  languages?: readonly string[];
  /** The plan id (for report commits). */
  planId?: string;
}

/** Returns a {@linkcode PlanGit}, or a {@linkcode NoGit} when git is disabled. */
export function openPlanGit(options: OpenPlanGitOptions): PlanGitPort {
  if (!options.git.enabled || options.enabled === false) return new NoGit();
  return new PlanGit(options);
}
