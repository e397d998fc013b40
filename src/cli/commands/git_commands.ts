/**
 * `lao undo TASK_ID [--note TEXT]` and `lao log [PLAN]`: the per-plan git
 * history seen through tasks.
 *
 * @module
 */
import { ExitCode, UserError } from "../../errors.ts";
import { emptyHooksDir, formatLog, GitRunner, openPlanGit, planLog } from "../../git/mod.ts";
import type { CliContext } from "../context.ts";
import type { Store } from "../../store/store.ts";
import { isPlaced, type Task } from "../../store/types.ts";

/** Refuses to undo task `id` while a later task that depends on it was coded or completed. */
function refuseWithDependents(tasks: readonly Task[], id: number) {
  const dependents = tasks.filter((t) =>
    t.dependencies.includes(id) && ["coded", "review", "completed"].includes(t.status)
  );
  if (!dependents.length) return;
  const names = dependents.map((t) => `#${t.id} "${t.title}"`).join(", ");
  const many = dependents.length > 1;
  throw new UserError(
    `Cannot undo task #${id}: later task${many ? "s" : ""} ${names} depend${
      many ? "" : "s"
    } on it; undo ${many ? "them" : "it"} first`,
    ExitCode.Failure,
  );
}

/** An undone task goes back to pending (its plan reopens); false when its status has no way back. */
function requeueUndone(store: Store, task: Task, note: string | undefined): boolean {
  const feedback = `Undone by the user${note ? `: ${note}` : "."}`;
  const patch = {
    attempt: 0,
    feedback,
    next_eligible_at: null,
    escalation_reason: null,
    code_signature: null,
  };
  const name = task.status === "completed"
    ? "undo_completed"
    : task.status === "failed"
    ? "retry"
    : task.status === "coded"
    ? "undo_coded"
    : null;
  const moved = name !== null && store.transition(task.id, name, patch, "undone by the user");
  if (moved) {
    const planRow = store.getPlan(task.plan_id);
    if (planRow?.status === "completed") store.setPlanStatus(planRow.id, "active", "task undone");
  }
  return moved;
}

/** Runs `lao undo`. */
export async function undoCommand(
  ctx: CliContext,
  idArg: string,
  opts: { note?: string },
): Promise<number> {
  const id = Number(idArg);
  if (!Number.isInteger(id) || id <= 0) {
    throw new UserError(`Task id must be a positive whole number, got "${idArg}"`);
  }
  const store = ctx.store;
  const task = store.getTask(id);
  if (!task) throw new UserError(`No task #${id} in ${ctx.loaded.config.paths.database}`);
  const plan = store.getPlan(task.plan_id)!;
  if (!plan.workspace) throw new UserError(`Task #${id}'s plan has no workspace yet`);
  if (!ctx.loaded.config.git.enabled) {
    throw new UserError("Cannot undo: git traceability is disabled (git.enabled: false)");
  }
  refuseWithDependents(store.listTasks(task.plan_id), id);
  const runner = new GitRunner({ hooksDir: emptyHooksDir(ctx.loaded.configDir) });
  const git = openPlanGit({
    workspace: plan.workspace,
    git: ctx.loaded.config.git,
    runner,
    planId: plan.id,
  });
  const result = await git.undoTask(id, opts.note ? { note: opts.note } : {});
  if (!result.ok) throw new UserError(result.message, ExitCode.Failure);
  const moved = requeueUndone(store, task, opts.note);
  ctx.out.out(
    `Reverted ${result.reverted.length} commit(s) of task #${id}: ${result.files.join(", ")}`,
  );
  ctx.out.out(moved ? `Task #${id} is pending again.` : `Task #${id} stays ${task.status}.`);
  return 0;
}

/** Runs `lao log`. */
export async function logCommand(ctx: CliContext, planArg: string | undefined): Promise<number> {
  const plans = ctx.store.listPlans().filter((p) => p.status !== "superseded").filter(isPlaced);
  const chosen = planArg
    ? plans.filter((p) => p.id === planArg || p.stem === planArg || p.filename === planArg)
    : plans;
  if (planArg && chosen.length === 0) throw new UserError(`No plan "${planArg}"`);
  const runner = new GitRunner({ hooksDir: emptyHooksDir(ctx.loaded.configDir) });
  for (const p of chosen) {
    ctx.out.out(`${p.filename} (${p.id})`);
    const entries = await planLog(p.workspace, {
      runner,
      warn: (message) => ctx.out.err(`warning: ${message}`),
    });
    const text = formatLog(entries);
    for (const line of (text || "  (no LAO commits)").split("\n")) ctx.out.out(`  ${line}`);
  }
  return 0;
}
