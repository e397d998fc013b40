/**
 * One task's phase on one slot of a model server (issue 16), shared by the
 * scheduler's global waves (`parallel_scheduler.ts`) and its per-server
 * waves (`lane_waves.ts`): the swap-aware choice of a role, which task may
 * start beside the running ones,
 * and starting it with its own ports (its worktree or copy, the server and
 * slot in its events).
 *
 * @module
 */
import type { RoleName } from "../config/schema.ts";
import { errorMessage } from "../errors.ts";
import { codeTask } from "../phases/code.ts";
import type { PhaseResult } from "../phases/task_phase.ts";
import { reviewTask } from "../phases/review.ts";
import { isPlaced, type Task } from "../store/store.ts";
import { placeText } from "../domain/placement.ts";
import type { TaskWorktrees } from "../worktree/task_worktrees.ts";
import { gatedModelPort, type RequestGate, requestGate } from "./request_gate.ts";
import { type TaskPorts, taskPorts } from "./task_ports.ts";
import type { QueueFilter, SchedulerPorts } from "./scheduler.ts";

/** One server's slots and the phase ports bound to its model. */
export interface ServerLane {
  /** Server name (events, the summary). */
  name: string;
  /** Concurrent requests it takes. */
  slots: number;
  /** Roles it serves; null: all. */
  roles: RoleName[] | null;
  /** The phases' ports with this server's model port. */
  ports: SchedulerPorts;
  /** Per-task worktrees (the same for every lane); absent: tasks share the plan workspace. */
  isolation?: TaskWorktrees | null;
  /** Its requests' gate (`request_gate.ts`); absent: one of `slots` places, made on first use. */
  gate?: RequestGate;
}

/** The two roles a task's phases take turns in. */
export type Role = "coder" | "reviewer";

/** A slot running a task's phase. */
export interface Busy {
  lane: ServerLane;
  slot: number;
  task: Task;
  role: Role;
  done: Promise<{ busy: Busy; result: PhaseResult }>;
}

/**
 * The role of the next wave: stay on the loaded model while it has work
 * (phase-gated, different models), else alternate; null when nothing moves.
 */
export function pickRole(
  last: Role | null,
  has: Record<Role, boolean>,
  alternate: boolean,
): Role | null {
  if (!has.coder && !has.reviewer) return null;
  if (!last) return has.coder ? "coder" : "reviewer";
  const other: Role = last === "coder" ? "reviewer" : "coder";
  if (alternate) return has[other] ? other : last;
  return has[last] ? last : other;
}

/** True when `lane` serves `role`. */
export function serves(lane: ServerLane, role: Role): boolean {
  return lane.roles === null || lane.roles.includes(role);
}

/** True when `task` may start next to `running` (other plans; same plan: isolated or disjoint files). */
export function canRunBeside(task: Task, running: Task[], isolated = false): boolean {
  const mine = new Set(task.file_paths);
  return running.every((r) =>
    r.plan_id !== task.plan_id || isolated ||
    (mine.size > 0 && r.file_paths.length > 0 && !r.file_paths.some((f) => mine.has(f)))
  );
}

/**
 * The next task of `role` that may run beside the `running` phases, given
 * the lane's `isolation`. A task of a plan with a phase of the other role
 * running starts only when tasks get their own worktrees or copies: in a
 * shared plan workspace a review must not read a coder's half-written
 * files, nor a coder build on a review's half-integrated ones.
 */
export function nextTask(
  deps: SchedulerPorts,
  role: Role,
  filter: QueueFilter,
  running: readonly { task: Task; role: Role }[],
  isolation: TaskWorktrees | null | undefined,
): Task | undefined {
  const isolated = isolation?.overlapping ?? false;
  const ids = new Set(running.map((r) => r.task.id));
  const tasks = running.map((r) => r.task);
  const otherRole = new Set(running.filter((r) => r.role !== role).map((r) => r.task.plan_id));
  const list = role === "coder"
    ? deps.store.runnable({ ...filter, limit: 64 })
    : deps.store.coded({ ...filter, limit: 64 });
  return list.find((t) =>
    !ids.has(t.id) && (isolation != null || !otherRole.has(t.plan_id)) &&
    canRunBeside(t, tasks, isolated)
  );
}

/** The lane's request gate (made on first use when the lane came without one). */
function laneGate(lane: ServerLane): RequestGate {
  return lane.gate ??= requestGate(lane.slots);
}

/** The 1-based slot of place `slot` (0-based); none for the place beyond the lane's slots. */
function placeOf(lane: ServerLane, slot: number): number | undefined {
  return slot < lane.slots ? slot + 1 : undefined;
}

/** Starts `task`'s `role` phase on `lane`'s place `slot` (0-based; see `request_gate.ts`). */
export function startTask(lane: ServerLane, slot: number, task: Task, role: Role): Busy {
  const busy: Busy = { lane, slot, task, role, done: undefined as never };
  lane.ports.emit({
    type: "log",
    level: "info",
    message: `task #${task.id}: ${role} on ${placeText(lane.name, placeOf(lane, slot))}`,
    source: "scheduler",
  });
  busy.done = runPhase(lane, slot, task, role).then((result) => ({ busy, result }));
  return busy;
}

/** Runs the task's phase with its own ports; an approved task's worktree (an ended one's copy) goes. */
async function runPhase(lane: ServerLane, slot: number, task: Task, role: Role) {
  const isolation = lane.isolation ?? null;
  const at = placeOf(lane, slot);
  const placement = at === undefined ? { server: lane.name } : { server: lane.name, slot: at };
  let ports: TaskPorts;
  try {
    // The lane's slots are held per request: it runs a task more than it has slots.
    const gated = { ...lane.ports, model: gatedModelPort(lane.ports.model, laneGate(lane)) };
    ports = await taskPorts(gated, task, placement, isolation);
  } catch (err) {
    // No worktree, no isolation: the task is not claimed; the pass pauses and retries.
    return { kind: "infra", error: errorMessage(err) } satisfies PhaseResult;
  }
  const result = role === "coder" ? await codeTask(ports, task) : await reviewTask(ports, task);
  const plan = lane.ports.store.getPlan(task.plan_id);
  const status = lane.ports.store.getTask(task.id)?.status;
  // A worktree stays after a failure (its commits); a copy goes once its task ended.
  const ended = status === "completed" ||
    (!isolation?.overlapping && (status === "failed" || status === "cancelled"));
  if (isolation && ended && plan && isPlaced(plan)) {
    const closed = await isolation.close(plan, task.id).then(() => true, (err) => {
      lane.ports.emit({
        type: "log",
        level: "warn",
        message: `task #${task.id}: its worktree stays: ${errorMessage(err)}`,
        source: "scheduler",
      });
      return false;
    });
    // Its file Worker goes with it (one per task would add up to ~12 MB each over a long run).
    if (closed && ports.ownWorkspace) lane.ports.releaseWorkspace?.(ports.ownWorkspace);
  }
  return result;
}
