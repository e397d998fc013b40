/**
 * The scheduler with slots (issue 16): the same swap-aware waves as
 * `scheduler.ts` (stay on the loaded model while it has work), but within a
 * wave up to the free slots' worth of tasks run at once, across servers and
 * across plans. Within one plan, tasks run together freely when each has
 * its own git worktree (`task_ports.ts`), else only when their target files
 * are disjoint (without git each still works in its own copy of the plan
 * workspace, `task_copies.ts`); git calls of one workspace run one at a time.
 *
 * One server: global waves, one role at a time. Two or more servers with
 * different coder and reviewer models (phase-gated): each server runs its
 * own waves (`lane_waves.ts`), so one codes while another reviews.
 *
 * A server that fails hands its task back (the phase's infra outcome uses no
 * attempt) and takes no more work this pass while the others continue; the
 * pass reports the outage only when no server is left for the role.
 * Claims stay the store's guarded transitions: a task claimed twice is
 * `skipped` by the second phase.
 *
 * @module
 */
import { processLanes } from "./lane_waves.ts";
import { tasksPerServer } from "./request_gate.ts";
import type { QueueFilter, QueueResult, SchedulerPorts, SchedulerState } from "./scheduler.ts";
import {
  type Busy,
  nextTask,
  pickRole,
  type Role,
  type ServerLane,
  serves,
  startTask,
} from "./slot_task.ts";

export { canRunBeside, pickRole, type ServerLane } from "./slot_task.ts";

/** Runs waves with every free slot until no task can move (or a stop or a full outage). */
export async function processQueueParallel(
  deps: SchedulerPorts,
  lanes: ServerLane[],
  state: SchedulerState,
  filter: QueueFilter = {},
): Promise<QueueResult> {
  const o = deps.config.orchestration;
  const sharedModel = deps.config.models.coder.key === deps.config.models.reviewer.key;
  if (lanes.length >= 2 && o.phase_gated && !sharedModel) {
    return await processLanes(deps, lanes, state, filter);
  }
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
      for (let slot = 0; slot < tasksPerServer(lane.slots, lanes.length === 1); slot++) {
        if (started >= limit || deps.stopping() || down.has(lane.name)) return;
        if ([...busy].some((b) => b.lane === lane && b.slot === slot)) continue;
        const task = nextTask(deps, role, filter, [...busy], lane.isolation);
        if (!task) return;
        started++;
        busy.add(startTask(lane, slot, task, role));
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
