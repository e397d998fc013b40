/**
 * A replay of the slot scheduler's waves on the layered plan of
 * `parallel_bench.ts`, with the fake's batching curve and no cost at all for
 * LAO's own steps: the wall time the waves alone allow, and the model loads
 * each server makes. It models `pipeline/parallel_scheduler.ts` and the
 * scripted session (2 coder requests and 1 review per task, the task of
 * layer 2, index 0 rejected once; a request's time fixed when it starts, from
 * the tasks in flight on its server, as in `SlotGate`). It is a model, not
 * LAO: `bench/README.md` checks it against measured runs.
 *
 * Two modes. `global`: one role per wave for every server; the next wave's
 * role (stay on the loaded one while it has work) is chosen once every
 * server's slots are empty. `lanes`: each server runs its own waves and picks
 * its own role when its slots are empty: it stays on its loaded role while
 * that role has work it can take, else takes the other role's. Servers still
 * busy take new work of their role first, so an idle one switches only for
 * what they cannot take; and of two busy servers on one role the one with
 * more tasks in flight takes it, so the other drains and can switch (without
 * that rule both end their waves together, as in `global`). One server codes
 * while another reviews.
 *
 * Slots are held per request (`pipeline/request_gate.ts`): the only server of
 * a wave, with N >= 2 slots, runs N + 1 tasks, at most N requests in flight,
 * the others waiting in the order they asked; `perTask: true` replays the
 * scheduler before that (N tasks, each holding its slot from its first
 * request to its last).
 *
 * Run: `deno run bench/wave_replay.ts [layers] [width] [alone_seconds] [exponent]`
 * (default 5 10 2 and the fake's `BATCH_EXPONENT`).
 *
 * @module
 */
import { tasksPerServer } from "../src/pipeline/request_gate.ts";
import { BATCH_EXPONENT, perRequestSpeed } from "../tests/fake_server/slots.ts";

/** What to replay. */
export interface ReplayShape {
  layers: number;
  width: number;
  servers: number;
  slots: number;
  /** Seconds one request takes alone (the architect's request too). */
  aloneSeconds: number;
  /** Share of its speed alone a request gets with `n` in flight (default: the fake's curve). */
  speed?: (n: number) => number;
  /** Slots held per task, not per request (the scheduler before `request_gate.ts`). */
  perTask?: boolean;
}

/** How servers choose their role: all together per wave, or each its own. */
export type ReplayMode = "global" | "lanes";

/** What a replay gives. */
export interface Replayed {
  /** Seconds from the architect's request to the last review. */
  seconds: number;
  /** Model loads per server (the architect's planner load on the first). */
  loads: number[];
}

type Role = "coder" | "reviewer";
type Status = "pending" | "running" | "coded" | "done";
interface Request {
  end: number;
  order: number;
  server: number;
  task: string;
  role: Role;
  left: number;
}
interface Server {
  role: Role | null;
  model: string;
  /** Tasks running. */
  inFlight: number;
  /** Requests generating, and the ones waiting for a slot (first come, first served). */
  requests: number;
  waiting: Omit<Request, "end" | "order">[];
  loads: number;
}

const otherRole = (r: Role): Role => r === "coder" ? "reviewer" : "coder";

/** Stay on `last` while it has work, else the other role; null when neither has any. */
function nextRole(last: Role | null, has: Record<Role, boolean>): Role | null {
  if (!has.coder && !has.reviewer) return null;
  if (last === null) return has.coder ? "coder" : "reviewer";
  return has[last] ? last : otherRole(last);
}

/** Seconds the plan takes with the global waves of `shape` and LAO free. */
export function replayWaves(shape: ReplayShape): number {
  return replay(shape, "global").seconds;
}

/** Replays the plan in `mode`: seconds and loads per server. */
export function replay(shape: ReplayShape, mode: ReplayMode): Replayed {
  const status = new Map<string, Status>();
  for (let l = 0; l < shape.layers; l++) {
    for (let i = 0; i < shape.width; i++) status.set(`${l}_${i}`, "pending");
  }
  const rejects = new Map([["2_0", 1]]);
  const ready = (role: Role) =>
    [...status].filter(([id, s]) => {
      if (role === "reviewer") return s === "coded";
      const [l, i] = id.split("_").map(Number) as [number, number];
      return s === "pending" && (l === 0 || status.get(`${l - 1}_${i}`) === "done");
    }).map(([id]) => id);
  const has = () => ({ coder: ready("coder").length > 0, reviewer: ready("reviewer").length > 0 });
  const servers: Server[] = Array.from({ length: shape.servers }, (_, i) => ({
    role: null,
    model: i === 0 ? "planner" : "",
    inFlight: 0,
    requests: 0,
    waiting: [],
    loads: i === 0 ? 1 : 0,
  }));
  const tasksAt = (slots: number) =>
    shape.perTask || mode === "lanes" ? slots : tasksPerServer(slots, shape.servers === 1);
  const flying: Request[] = [];
  let order = 0;
  let clock = shape.aloneSeconds; // the architect's request, alone
  let globalRole: Role | null = null;
  const pump = (s: number) => {
    const server = servers[s]!;
    while (server.requests < shape.slots && server.waiting.length > 0) {
      const r = server.waiting.shift()!;
      server.requests++;
      // Per task, a request's speed follows the tasks in flight (each holds its slot).
      const n = shape.perTask ? server.inFlight : server.requests;
      const end = clock + shape.aloneSeconds / (shape.speed ?? perRequestSpeed)(n);
      flying.push({ ...r, end, order: order++ });
    }
  };
  const send = (s: number, task: string, role: Role, left: number) => {
    servers[s]!.waiting.push({ server: s, task, role, left });
    pump(s);
  };
  const take = (s: number, role: Role) => {
    const server = servers[s]!;
    while (server.inFlight < tasksAt(shape.slots)) {
      const task = ready(role)[0];
      if (!task) return;
      if (server.model !== role) {
        server.model = role;
        server.loads++;
      }
      status.set(task, "running");
      server.inFlight++;
      send(s, task, role, role === "coder" ? 1 : 0);
    }
  };
  const fill = () => {
    if (mode === "global") {
      if (flying.length === 0) {
        globalRole = nextRole(globalRole, has());
        for (const server of servers) server.role = globalRole;
      }
      if (globalRole) servers.forEach((_, s) => take(s, globalRole!));
      return;
    }
    // Busy servers take new work of their role first, the busiest first: one with fewer
    // tasks in flight leaves it to a busier one on its role, drains, and can switch.
    const busier = (s: number) =>
      servers.some((o, j) =>
        j !== s && o.role === servers[s]!.role && o.inFlight > servers[s]!.inFlight
      );
    servers.forEach((server, s) => server.inFlight > 0 && !busier(s) && take(s, server.role!));
    servers.forEach((server, s) => {
      if (server.inFlight > 0) return;
      const role = nextRole(server.role, has());
      if (!role) return;
      server.role = role;
      take(s, role);
    });
  };
  fill();
  while (flying.length > 0) {
    flying.sort((a, b) => a.end - b.end || a.order - b.order);
    const r = flying.shift()!;
    clock = r.end;
    servers[r.server]!.requests--;
    if (r.left > 0) {
      send(r.server, r.task, r.role, r.left - 1);
      pump(r.server);
      continue;
    }
    servers[r.server]!.inFlight--;
    const rejected = r.role === "reviewer" && (rejects.get(r.task) ?? 0) > 0;
    if (rejected) rejects.set(r.task, rejects.get(r.task)! - 1);
    status.set(r.task, r.role === "coder" ? "coded" : rejected ? "pending" : "done");
    fill();
    servers.forEach((_, s) => pump(s));
  }
  return { seconds: clock, loads: servers.map((s) => s.loads) };
}

/** The plan's load bound: the planner, then a coder and a reviewer load per round (layers + the rework). */
export function replayLoadBound(layers: number): number {
  return 1 + 2 * (layers + (layers > 2 ? 1 : 0));
}

if (import.meta.main) {
  const layers = Number(Deno.args[0] ?? 5);
  const width = Number(Deno.args[1] ?? 10);
  const aloneSeconds = Number(Deno.args[2] ?? 2);
  const exponent = Number(Deno.args[3] ?? BATCH_EXPONENT);
  const base = { layers, width, aloneSeconds, speed: (n: number) => Math.pow(n, -exponent) };
  const seq = replayWaves({ ...base, servers: 1, slots: 1 });
  console.log(
    `layered ${layers}x${width}, ${aloneSeconds} s per request alone, n^-${exponent}, ` +
      `load bound ${replayLoadBound(layers)}`,
  );
  for (const [servers, slots] of [[1, 1], [1, 4], [2, 4], [3, 4]] as const) {
    for (const mode of ["global", "lanes"] as const) {
      if (mode === "lanes" && servers === 1) continue;
      for (const perTask of [false, true]) {
        if (perTask && slots === 1) continue;
        const r = replay({ ...base, servers, slots, perTask }, mode);
        console.log(
          `  ${servers} x ${slots} slots, ${mode.padEnd(6)}${perTask ? " per task" : ""}: ` +
            `${r.seconds.toFixed(1)}s = ${(r.seconds / seq).toFixed(3)}x, loads ${
              r.loads.join(" / ")
            }`,
        );
      }
    }
  }
}
