/**
 * A replay of the slot scheduler's waves on the layered plan of
 * `parallel_bench.ts`, with the fake's batching curve and no cost at all for
 * LAO's own steps: the wall time the waves alone allow. It models
 * `pipeline/parallel_scheduler.ts` (one role per wave for every server, stay
 * on the loaded role while it has work, fill the servers' slots in order) and
 * the scripted session (2 coder requests and 1 review per task, the task of
 * layer 2, index 0 rejected once; a request's time fixed when it starts, from
 * the requests in flight on its server, as in `SlotGate`). It is a model, not
 * LAO: `bench/README.md` checks it against measured runs.
 *
 * Run: `deno run bench/wave_replay.ts [layers] [width] [alone_seconds] [exponent]`
 * (default 5 10 2 and the fake's `BATCH_EXPONENT`).
 *
 * @module
 */
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
}

type Role = "coder" | "reviewer";
type Status = "pending" | "running" | "coded" | "done";
interface Request {
  end: number;
  order: number;
  server: number;
  task: string;
  left: number;
}

/** Seconds the plan takes with the waves of `shape` and LAO free. */
export function replayWaves(shape: ReplayShape): number {
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
  let clock = shape.aloneSeconds; // the architect's request, alone
  let last: Role | null = null;
  for (;;) {
    const has = { coder: ready("coder").length > 0, reviewer: ready("reviewer").length > 0 };
    if (!has.coder && !has.reviewer) return clock;
    const other: Role = last === "coder" ? "reviewer" : "coder";
    const role: Role = last === null
      ? (has.coder ? "coder" : "reviewer")
      : has[last]
      ? last
      : other;
    last = role;
    clock = runWave(shape, role, clock, status, ready, rejects);
  }
}

function runWave(
  shape: ReplayShape,
  role: Role,
  start: number,
  status: Map<string, Status>,
  ready: (role: Role) => string[],
  rejects: Map<string, number>,
): number {
  const busy = Array.from({ length: shape.servers }, () => 0);
  const flying: Request[] = [];
  let order = 0;
  let clock = start;
  const send = (server: number, task: string, left: number) =>
    flying.push({
      end: clock + shape.aloneSeconds / (shape.speed ?? perRequestSpeed)(busy[server]!),
      order: order++,
      server,
      task,
      left,
    });
  const fill = () => {
    for (let s = 0; s < shape.servers; s++) {
      while (busy[s]! < shape.slots) {
        const task = ready(role)[0];
        if (!task) return;
        status.set(task, "running");
        busy[s]!++;
        send(s, task, role === "coder" ? 1 : 0);
      }
    }
  };
  fill();
  while (flying.length > 0) {
    flying.sort((a, b) => a.end - b.end || a.order - b.order);
    const r = flying.shift()!;
    clock = r.end;
    if (r.left > 0) {
      send(r.server, r.task, r.left - 1);
      continue;
    }
    busy[r.server]!--;
    const rejected = role === "reviewer" && (rejects.get(r.task) ?? 0) > 0;
    if (rejected) rejects.set(r.task, rejects.get(r.task)! - 1);
    status.set(r.task, role === "coder" ? "coded" : rejected ? "pending" : "done");
    fill();
  }
  return clock;
}

if (import.meta.main) {
  const layers = Number(Deno.args[0] ?? 5);
  const width = Number(Deno.args[1] ?? 10);
  const aloneSeconds = Number(Deno.args[2] ?? 2);
  const exponent = Number(Deno.args[3] ?? BATCH_EXPONENT);
  const base = { layers, width, aloneSeconds, speed: (n: number) => Math.pow(n, -exponent) };
  const seq = replayWaves({ ...base, servers: 1, slots: 1 });
  console.log(`layered ${layers}x${width}, ${aloneSeconds} s per request alone, n^-${exponent}`);
  for (const [servers, slots] of [[1, 1], [1, 4], [2, 4]] as const) {
    const s = replayWaves({ ...base, servers, slots });
    console.log(`  ${servers} x ${slots} slots: ${s.toFixed(1)}s = ${(s / seq).toFixed(3)}x`);
  }
}
