/**
 * Finding the plan a `lao diff`, `lao merge` or `lao discard` names: by file
 * name, stem or id, its newest revision, and only a plan that works in a git
 * worktree (issue 15).
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import { worktreeRoot } from "../../worktree/paths.ts";
import type { PlanRow } from "../../store/store.ts";
import { inWorktree } from "../../worktree/prepare.ts";
import type { CliContext } from "../context.ts";

/** The newest revision of the plan `arg` names, which must work in a worktree. */
export function worktreePlan(ctx: CliContext, arg: string): { plan: PlanRow; root: string } {
  const plans = ctx.store.listPlans().filter((p) =>
    p.id === arg || p.stem === arg || p.filename === arg || `${p.stem}.md` === arg
  );
  const plan = plans.filter((p) => p.status !== "superseded").at(-1) ?? plans.at(-1);
  if (!plan) throw new UserError(`No plan "${arg}" (lao status lists them)`);
  if (!inWorktree(plan)) {
    throw new UserError(
      `Plan "${plan.filename}" works in its own folder ${plan.workspace}, not on a branch; ` +
        "diff, merge and discard apply to plans with workspace: front matter",
    );
  }
  return { plan, root: worktreeRoot(ctx.loaded.configDir, plan.stem) };
}
