/**
 * Slot utilisation of a run with slots (issue 16), from the bus: each
 * `phase.start` that names a server opens a busy span on it, its
 * `phase.end` closes it. Per server: busy slot-seconds next to the available
 * ones (slots × wall time); for the run: the sequential estimate (every
 * phase's time, one after another) over the wall time.
 *
 * @module
 */
import type { EventBus } from "../events/bus.ts";

/** One server's slot use over a run. */
export interface ServerUsage {
  slots: number;
  /** Seconds of phases running on its slots, summed. */
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
  const open = new Map<number, { server: string; at: number }>();
  const busy = new Map<string, number>(servers.map((s) => [s.name, 0]));
  const close = (taskId: number, at: number) => {
    const span = open.get(taskId);
    if (!span) return;
    open.delete(taskId);
    busy.set(span.server, (busy.get(span.server) ?? 0) + (at - span.at) / 1000);
  };
  const off = bus.subscribe((e) => {
    if (e.type === "phase.start" && e.server && e.taskId !== undefined) {
      open.set(e.taskId, { server: e.server, at: now().getTime() });
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
      const sequential = [...busy.values()].reduce((a, b) => a + b, 0);
      return { servers: out, sequentialSeconds: sequential, wallSeconds: wall };
    },
  };
}
