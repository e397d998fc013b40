/**
 * The run loop's step before a plan is decomposed or coded: a plan that
 * works in a worktree gets it (created from HEAD the first time, re-attached
 * when its folder went missing) and the plan row records the base commit.
 * A plan in its own folder needs nothing.
 *
 * @module
 */
import { emptyHooksDir } from "../git/mod.ts";
import { GitRunner } from "../git/runner.ts";
import { worktreeRoot } from "./paths.ts";
import type { PlanRow, Store } from "../store/store.ts";
import { ensureWorktree } from "./worktree.ts";

/** Ready, or why the plan cannot work now (one line). */
export type Prepared = { ok: true; created: boolean } | { ok: false; problem: string };

/** True when the plan works in a git worktree. */
export function inWorktree(plan: Pick<PlanRow, "workspace_kind">): boolean {
  return plan.workspace_kind === "worktree";
}

/** One runner per config folder (the same hooks and layout folders as the pipeline's). */
const runners = new Map<string, GitRunner>();

/** The git runner LAO uses for `configDir`. */
export function runnerFor(configDir: string): GitRunner {
  let r = runners.get(configDir);
  if (!r) runners.set(configDir, r = new GitRunner({ hooksDir: emptyHooksDir(configDir) }));
  return r;
}

/** Makes sure the plan's workspace can be used (see module doc). Never throws. */
export async function preparePlanWorkspace(
  store: Store,
  configDir: string,
  plan: PlanRow,
): Promise<Prepared> {
  if (!inWorktree(plan)) return { ok: true, created: false };
  const got = await ensureWorktree(runnerFor(configDir), plan, worktreeRoot(configDir, plan.stem));
  if (!got.ok) return got;
  if (plan.base_sha !== got.baseSha || plan.workspace !== got.workspace) {
    store.updatePlan(plan.id, { base_sha: got.baseSha, workspace: got.workspace });
  }
  return { ok: true, created: got.created };
}
