/**
 * Per-server waves (issue 16), for two or more servers with different coder
 * and reviewer models: each server runs its own waves and picks its own role
 * when its slots are empty, so one server reviews tasks as soon as they are
 * coded while another codes the next ones. A server's rule is the swap-aware
 * one of the global waves, per server: it stays on its loaded model while
 * that role has work it can take, else takes the other role's. Two rules
 * keep servers from swapping models to grab single tasks:
 *
 * - servers with tasks in flight take new work of their role before an idle
 *   server picks a role, so an idle one switches only for what they cannot
 *   take;
 * - of two busy servers on one role, the one with more tasks in flight takes
 *   new work of that role; the other drains, and can then switch. (Without
 *   it both end their waves together, as in the global waves, and the slots
 *   left empty at a wave's end stay empty.)
 *
 * `bench/wave_replay.ts` models this (its `lanes` mode): on the 50-task
 * layered plan with two servers of 4 slots it gives 0.22× of the sequential
 * run against 0.27× for the global waves, with fewer loads per server.
 * A server that fails hands its task back (no attempt used) and takes no
 * more work this pass; the others continue, and the pass reports the outage
 * when work is left that no server still up serves.
 *
 * @module
 */
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

/** Each server's last role, per scheduler state (the model it has loaded, across passes). */
const lastRoles = new WeakMap<SchedulerState, Map<string, Role>>();

/** Runs per-server waves until no task can move (or a stop, or no server left for the work). */
export async function processLanes(
  deps: SchedulerPorts,
  lanes: ServerLane[],
  state: SchedulerState,
  filter: QueueFilter = {},
): Promise<QueueResult> {
  const roles = lastRoles.get(state) ?? new Map<string, Role>();
  lastRoles.set(state, roles);
  const down = new Map<string, string>();
  const busy = new Set<Busy>();
  let processed = 0;
  const inFlight = (lane: ServerLane) => [...busy].filter((b) => b.lane === lane).length;
  const running = () => [...busy];
  const take = (lane: ServerLane, role: Role) => {
    while (inFlight(lane) < lane.slots && !deps.stopping()) {
      const task = nextTask(deps, role, filter, running(), lane.isolation);
      if (!task) return;
      const used = new Set([...busy].filter((b) => b.lane === lane).map((b) => b.slot));
      let slot = 0;
      while (used.has(slot)) slot++;
      busy.add(startTask(lane, slot, task, role));
    }
  };
  const canTake = (lane: ServerLane, role: Role) =>
    serves(lane, role) &&
    nextTask(deps, role, filter, running(), lane.isolation) !== undefined;
  const fill = () => {
    if (deps.stopping()) return;
    const up = lanes.filter((l) => !down.has(l.name));
    for (const lane of up) {
      const n = inFlight(lane);
      const role = roles.get(lane.name);
      if (n === 0 || !role) continue;
      const busier = up.some((o) => o !== lane && roles.get(o.name) === role && inFlight(o) > n);
      if (!busier) take(lane, role);
    }
    for (const lane of up) {
      if (inFlight(lane) > 0) continue;
      const has = { coder: canTake(lane, "coder"), reviewer: canTake(lane, "reviewer") };
      const role = pickRole(roles.get(lane.name) ?? state.lastRole, has, false);
      if (!role) continue;
      roles.set(lane.name, role);
      state.lastRole = role;
      take(lane, role);
    }
  };
  for (;;) {
    fill();
    if (busy.size === 0) return { processed, ...left(deps, lanes, down, filter) };
    const { busy: finished, result } = await Promise.race([...busy].map((b) => b.done));
    busy.delete(finished);
    if (result.kind === "infra") down.set(finished.lane.name, result.error);
    if (result.kind === "done") processed++;
  }
}

/** The outage to report when work is left that no server still up serves. */
function left(
  deps: SchedulerPorts,
  lanes: ServerLane[],
  down: Map<string, string>,
  filter: QueueFilter,
): { infraError?: string } {
  if (deps.stopping()) return {};
  const has = {
    coder: deps.store.runnable({ ...filter, limit: 1 }).length > 0,
    reviewer: deps.store.coded({ ...filter, limit: 1 }).length > 0,
  };
  const unserved = (["coder", "reviewer"] as const).find((r) =>
    has[r] && !lanes.some((l) => !down.has(l.name) && serves(l, r))
  );
  return unserved
    ? { infraError: [...down.values()][0] ?? `no server serves the ${unserved}` }
    : {};
}
