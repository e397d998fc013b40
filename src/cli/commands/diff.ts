/**
 * `lao diff PLAN`: what the plan's branch `lao/<stem>` changed since the
 * commit it was made from.
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import { diffPlan } from "../../worktree/branch_ops.ts";
import { runnerFor } from "../../worktree/prepare.ts";
import type { CliContext } from "../context.ts";
import { worktreePlan } from "./worktree_plan.ts";

/** Runs `lao diff`. */
export async function diffCommand(
  ctx: CliContext,
  arg: string,
  opts: { stat?: boolean } = {},
): Promise<number> {
  const { plan } = worktreePlan(ctx, arg);
  const out = await diffPlan(runnerFor(ctx.loaded.configDir), plan, opts);
  if (!out.ok) throw new UserError(`Cannot show the diff of ${plan.branch}: ${out.problem}`);
  ctx.out.out(out.text.replace(/\n$/, "") || `${plan.branch} has no changes yet`);
  return 0;
}
