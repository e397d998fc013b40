/**
 * Slot utilisation of a run with slots (issue 16), from the bus: each
 * `phase.start` that names a server opens a busy span on it, its
 * `phase.end` closes it. Per server: busy slot-seconds (phases running, at
 * most its slots at a time) next to the available ones (slots × wall time);
 * for the run: the sequential estimate (every phase's time, one after
 * another) over the wall time.
 *
 * @module
 */
import type { EventBus } from "../events/bus.ts";

/** One server's slot use over a run. */
export interface ServerUsage {
  slots: number;
  /** Seconds of phases running on its slots, summed (at most `slots` at a time). */
  busySeconds: number;
  /** `slots × wall seconds`. */
  availableSeconds: number;
}

/** What {@linkcode trackSlots} reports at the end of a run. */
export interface SlotUsage {
  servers: Record<string, ServerUsage>;
  /** The run's phases, one after another (seconds). */
  sequentialSeconds: number;
  wallSeconds: number;
}

/** Follows the phases on `servers` (name → slots) from now; `finish()` reports. */
export function trackSlots(
  bus: Pick<EventBus, "subscribe">,
  servers: { name: string; slots: number }[],
  now: () => Date,
): { finish: () => SlotUsage } {
  const started = now().getTime();
  const slotsOf = new Map(servers.map((s) => [s.name, s.slots]));
  const open = new Map<number, { server: string; at: number }>();
  /** Per server: phases running now, and when that count last changed. */
  const running = new Map<string, { n: number; since: number }>();
  const busy = new Map<string, number>(servers.map((s) => [s.name, 0]));
  let sequential = 0;
  // A server may run a task more than it has slots (request_gate.ts): its busy time is the
  // integral of min(phases running, slots), so it never passes its available slot time.
  const step = (server: string, at: number, delta: number) => {
    const r = running.get(server) ?? { n: 0, since: at };
    const held = Math.min(r.n, slotsOf.get(server) ?? r.n);
    busy.set(server, (busy.get(server) ?? 0) + held * (at - r.since) / 1000);
    running.set(server, { n: r.n + delta, since: at });
  };
  const close = (taskId: number, at: number) => {
    const span = open.get(taskId);
    if (!span) return;
    open.delete(taskId);
    sequential += (at - span.at) / 1000;
    step(span.server, at, -1);
  };
  const off = bus.subscribe((e) => {
    if (e.type === "phase.start" && e.server && e.taskId !== undefined) {
      const at = now().getTime();
      open.set(e.taskId, { server: e.server, at });
      step(e.server, at, 1);
    }
    if (e.type === "phase.end" && e.taskId !== undefined) close(e.taskId, now().getTime());
  });
  return {
    finish: () => {
      off();
      const end = now().getTime();
      for (const id of [...open.keys()]) close(id, end);
      const wall = (end - started) / 1000;
      const out: Record<string, ServerUsage> = {};
      for (const s of servers) {
        out[s.name] = {
          slots: s.slots,
          busySeconds: busy.get(s.name) ?? 0,
          availableSeconds: s.slots * wall,
        };
      }
      return { servers: out, sequentialSeconds: sequential, wallSeconds: wall };
    },
  };
}
