import assert from "node:assert/strict";
import type { LaoEvent } from "../events/types.ts";
import { fixedProbe, type MemoryProbe } from "../models/memory/probe.ts";
import { laneMemoryProbe } from "./lane_memory_probe.ts";

const reading = { availableBytes: 8 * 1024 ** 3, swapUsedBytes: 0 };

function probeFor(baseUrl: string) {
  const events: LaoEvent[] = [];
  let localReads = 0;
  const local = (): Promise<MemoryProbe> => {
    localReads++;
    return Promise.resolve(fixedProbe(reading));
  };
  const probe = laneMemoryProbe({ name: "desk", baseUrl }, (e) => events.push(e), local);
  return probe.then((p) => ({ probe: p, events, localReads }));
}

Deno.test("a server on loopback is gated on this machine's memory, silently", async () => {
  for (const url of ["http://127.0.0.1:1234", "http://localhost:8080", "http://[::1]:8080"]) {
    const { probe, events, localReads } = await probeFor(url);
    assert.equal(localReads, 1, url);
    assert.deepEqual(await probe?.read(), reading, url);
    assert.deepEqual(events, [], url);
  }
});

Deno.test("a server on another host gets no probe of this machine and one info line saying why", async () => {
  const { probe, events, localReads } = await probeFor("http://192.168.1.20:1234");
  assert.equal(probe, undefined, "no probe: the gate admits its loads at once");
  assert.equal(localReads, 0, "this machine's memory is not read for it");
  assert.equal(events.length, 1);
  const e = events[0]!;
  assert.ok(e.type === "log" && e.level === "info", JSON.stringify(e));
  assert.match(e.message, /desk .*192\.168\.1\.20.*memory is not visible to LAO/);
  assert.ok(!e.message.includes("\n"));
});
