/**
 * The scheduler with slots (issue 16): the same swap-aware waves as
 * `scheduler.ts` (stay on the loaded model while it has work), but within a
 * wave up to the free slots' worth of tasks run at once, across servers and
 * across plans. Within one plan, tasks run together freely when each has
 * its own git worktree (`task_ports.ts`), else only when their target files
 * are disjoint (without git each still works in its own copy of the plan
 * workspace, `task_copies.ts`); git calls of one workspace run one at a time.
 *
 * A server that fails hands its task back (the phase's infra outcome uses no
 * attempt) and takes no more work this pass while the others continue; the
 * pass reports the outage only when no server is left for the role.
 * Claims stay the store's guarded transitions: a task claimed twice is
 * `skipped` by the second phase.
 *
 * @module
 */
import type { RoleName } from "../config/schema.ts";
import { errorMessage } from "../errors.ts";
import { codeTask } from "../phases/code.ts";
import type { PhaseResult } from "../phases/task_phase.ts";
import { reviewTask } from "../phases/review.ts";
import { isPlaced, type Task } from "../store/store.ts";
import type { TaskWorktrees } from "../worktree/task_worktrees.ts";
import { taskPorts } from "./task_ports.ts";
import type { QueueFilter, QueueResult, SchedulerPorts, SchedulerState } from "./scheduler.ts";

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
}

type Role = "coder" | "reviewer";

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

/** True when `task` may start next to `running` (other plans; same plan: isolated or disjoint files). */
export function canRunBeside(task: Task, running: Task[], isolated = false): boolean {
  const mine = new Set(task.file_paths);
  return running.every((r) =>
    r.plan_id !== task.plan_id || isolated ||
    (mine.size > 0 && r.file_paths.length > 0 && !r.file_paths.some((f) => mine.has(f)))
  );
}

/** A slot running a task. */
interface Busy {
  lane: ServerLane;
  slot: number;
  task: Task;
  done: Promise<{ busy: Busy; result: PhaseResult }>;
}

/** Runs waves with every free slot until no task can move (or a stop or a full outage). */
export async function processQueueParallel(
  deps: SchedulerPorts,
  lanes: ServerLane[],
  state: SchedulerState,
  filter: QueueFilter = {},
): Promise<QueueResult> {
  const o = deps.config.orchestration;
  const sharedModel = deps.config.models.coder.key === deps.config.models.reviewer.key;
  const down = new Map<string, string>();
  let processed = 0;
  for (;;) {
    if (deps.stopping()) return { processed };
    const has = {
      coder: deps.store.runnable({ ...filter, limit: 1 }).length > 0,
      reviewer: deps.store.coded({ ...filter, limit: 1 }).length > 0,
    };
    const role = pickRole(state.lastRole, has, !o.phase_gated || sharedModel);
    if (!role) return { processed };
    state.lastRole = role;
    const serving = lanes.filter((l) => !down.has(l.name) && serves(l, role));
    if (serving.length === 0) {
      return { processed, infraError: [...down.values()][0] ?? `no server serves the ${role}` };
    }
    const limit = !o.phase_gated
      ? 1
      : sharedModel
      ? (role === "coder" ? o.coder_batch_size : o.reviewer_batch_size)
      : Number.MAX_SAFE_INTEGER;
    const wave = await runWave(deps, serving, role, filter, limit, down);
    processed += wave;
    if (wave === 0 && lanes.every((l) => down.has(l.name) || !serves(l, role))) {
      return { processed, infraError: [...down.values()][0] ?? `no server serves the ${role}` };
    }
  }
}

function serves(lane: ServerLane, role: Role): boolean {
  return lane.roles === null || lane.roles.includes(role);
}

/** One wave of `role`: fills free slots as tasks become ready; phases done. */
async function runWave(
  deps: SchedulerPorts,
  lanes: ServerLane[],
  role: Role,
  filter: QueueFilter,
  limit: number,
  down: Map<string, string>,
): Promise<number> {
  const busy = new Set<Busy>();
  let started = 0;
  let done = 0;
  const fill = () => {
    for (const lane of lanes) {
      for (let slot = 0; slot < lane.slots; slot++) {
        if (started >= limit || deps.stopping() || down.has(lane.name)) return;
        if ([...busy].some((b) => b.lane === lane && b.slot === slot)) continue;
        const isolated = lane.isolation?.overlapping ?? false;
        const task = nextTask(deps, role, filter, [...busy].map((b) => b.task), isolated);
        if (!task) return;
        started++;
        busy.add(start(lane, slot, task, role));
      }
    }
  };
  fill();
  while (busy.size > 0) {
    const { busy: finished, result } = await Promise.race([...busy].map((b) => b.done));
    busy.delete(finished);
    if (result.kind === "infra") down.set(finished.lane.name, result.error);
    if (result.kind === "done") done++;
    // A skipped claim (another worker had it) frees its place in the wave.
    if (result.kind !== "done") started--;
    fill();
  }
  return done;
}

/** The next task of `role` that may run beside the running ones. */
function nextTask(
  deps: SchedulerPorts,
  role: Role,
  filter: QueueFilter,
  running: Task[],
  isolated: boolean,
) {
  const ids = new Set(running.map((t) => t.id));
  const list = role === "coder"
    ? deps.store.runnable({ ...filter, limit: 64 })
    : deps.store.coded({ ...filter, limit: 64 });
  return list.find((t) => !ids.has(t.id) && canRunBeside(t, running, isolated));
}

function start(lane: ServerLane, slot: number, task: Task, role: Role): Busy {
  const busy: Busy = { lane, slot, task, done: undefined as never };
  lane.ports.emit({
    type: "log",
    level: "info",
    message: `task #${task.id}: ${role} on ${lane.name} slot ${slot + 1}`,
    source: "scheduler",
  });
  busy.done = runPhase(lane, slot, task, role).then((result) => ({ busy, result }));
  return busy;
}

/** Runs the task's phase with its own ports; an approved task's worktree (an ended one's copy) goes. */
async function runPhase(lane: ServerLane, slot: number, task: Task, role: Role) {
  const isolation = lane.isolation ?? null;
  const placement = { server: lane.name, slot: slot + 1 };
  let ports: SchedulerPorts;
  try {
    ports = await taskPorts(lane.ports, task, placement, isolation);
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
    await isolation.close(plan, task.id).catch((err) =>
      lane.ports.emit({
        type: "log",
        level: "warn",
        message: `task #${task.id}: its worktree stays: ${errorMessage(err)}`,
        source: "scheduler",
      })
    );
  }
  return result;
}
