/**
 * `lao merge PLAN`: merges the plan's branch into the user's current
 * branch; refused while the user's tree has uncommitted changes, never
 * forced, aborted cleanly on a conflict.
 *
 * @module
 */
import { mergePlan } from "../../worktree/branch_ops.ts";
import { runnerFor } from "../../worktree/prepare.ts";
import type { CliContext } from "../context.ts";
import { worktreePlan } from "./worktree_plan.ts";

/** Runs `lao merge` (exit 1 when refused). */
export async function mergeCommand(ctx: CliContext, arg: string): Promise<number> {
  const { plan, root } = worktreePlan(ctx, arg);
  const out = await mergePlan(runnerFor(ctx.loaded.configDir), plan, root);
  if (!out.ok) {
    ctx.out.err(`Cannot merge ${plan.branch}: ${out.problem}`);
    return 1;
  }
  ctx.out.out(out.text);
  return 0;
}
