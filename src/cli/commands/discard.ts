/**
 * `lao discard PLAN`: removes the plan's worktree and branch and cancels its
 * open tasks; the user's tree and branch are not touched.
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import { discardPlan } from "../../worktree/branch_ops.ts";
import { runnerFor } from "../../worktree/prepare.ts";
import type { CliContext } from "../context.ts";
import { worktreePlan } from "./worktree_plan.ts";

/** Runs `lao discard`. */
export async function discardCommand(ctx: CliContext, arg: string): Promise<number> {
  const { plan, root } = worktreePlan(ctx, arg);
  const out = await discardPlan(runnerFor(ctx.loaded.configDir), plan, root);
  if (!out.ok) throw new UserError(`Cannot discard ${plan.branch}: ${out.problem}`);
  const cancelled = ctx.store.cancelPlanTasks(plan.id, "discarded with lao discard");
  ctx.store.setPlanStatus(plan.id, "discarded", "lao discard");
  ctx.out.out(`${out.text}; ${cancelled} open task${cancelled === 1 ? "" : "s"} cancelled`);
  return 0;
}
