/**
 * The ports one task's phase gets from the scheduler with slots (issue 16):
 * the lane's, with the server and slot for `phase.start`, and, when the run
 * isolates tasks, the task's own worktree in place of the plan workspace for
 * its files, shell, validation commands and coder commit; the approval then
 * integrates the task's commits onto the plan branch (`task_worktrees.ts`).
 * The reviewer commit and every other plan commit stay in the plan workspace.
 *
 * @module
 */
import type { PlanGitPort } from "../git/port.ts";
import { isPlaced, type Task } from "../store/store.ts";
import type { TaskWorktrees } from "../worktree/task_worktrees.ts";
import type { SchedulerPorts } from "./scheduler.ts";

/** A task's phase ports, with the task's own worktree or copy when it has one. */
export type TaskPorts = SchedulerPorts & { ownWorkspace?: string };

/** The phase ports of `task` on `server`'s `slot` (1-based). */
export async function taskPorts(
  ports: SchedulerPorts,
  task: Task,
  placement: { server: string; slot?: number },
  isolation: TaskWorktrees | null,
): Promise<TaskPorts> {
  const plan = ports.store.getPlan(task.plan_id);
  const placed = { ...ports, placement };
  if (!isolation || !plan || !isPlaced(plan)) return placed;
  const own = await isolation.open(plan, task.id);
  if (!own) return placed;
  const at = (ws: string) => ws === plan.workspace ? own : ws;
  const planGit = (id: string) => ports.git(plan.workspace, id);
  const git = (ws: string, id: string): PlanGitPort => {
    if (ws !== plan.workspace) return ports.git(ws, id);
    const shared = planGit(id);
    return {
      commitPlanSnapshot: (text, input) => shared.commitPlanSnapshot(text, input),
      commitArchitect: (input) => shared.commitArchitect(input),
      commitCoder: (input) => ports.git(own, id).commitCoder(input),
      commitReview: (input) => shared.commitReview(input),
      commitReport: (files) => shared.commitReport(files),
      undoTask: (taskId, options) => shared.undoTask(taskId, options),
    };
  };
  const validation = ports.validationCommand;
  return {
    ...placed,
    workspaceFs: (ws) => ports.workspaceFs(at(ws)),
    shell: (ws) => ports.shell(at(ws)),
    ...(validation ? { validationCommand: (ws: string) => validation(at(ws)) } : {}),
    git,
    ownWorkspace: own,
    integrate: async (p, t) => {
      const done = await isolation.integrate(p, t.id);
      return done.ok ? { ok: true } : done;
    },
  };
}
