import assert from "node:assert/strict";
import { EventBus } from "../events/bus.ts";
import type { LaoEvent } from "../events/types.ts";
import { trackSlots } from "./slot_usage.ts";

Deno.test("busy slot time counts at most a server's slots at once; the sequential estimate counts every phase", () => {
  let clock = 0;
  const bus = new EventBus();
  const emit = (e: LaoEvent) => bus.emit(e);
  const usage = trackSlots(bus, [{ name: "a", slots: 2 }], () => new Date(clock * 1000));
  const start = (taskId: number) =>
    emit({ type: "phase.start", phase: "coder", taskId, server: "a", slot: 1 });
  const end = (taskId: number) => emit({ type: "phase.end", phase: "coder", taskId, ok: true });
  // Three tasks on two slots for 10 s (one of them waits its turn), then one alone for 5 s.
  start(1);
  start(2);
  start(3);
  clock = 10;
  end(1);
  end(2);
  clock = 15;
  end(3);
  const u = usage.finish();
  assert.equal(u.wallSeconds, 15);
  assert.deepEqual(u.servers.a, { slots: 2, busySeconds: 25, availableSeconds: 30 });
  assert.equal(u.sequentialSeconds, 35);
});
