import assert from "node:assert/strict";
import { defaultConfig } from "../../config/defaults.ts";
import { InterruptedError } from "../../errors.ts";
import { type GateClock, runMemoryGate } from "./gate.ts";
import { type MemoryReading, systemMemoryProbe } from "./probe.ts";

const GB = 1024 ** 3;
const settings = {
  ...defaultConfig("/tmp").memory_gate,
  settle_timeout_s: 60,
  poll_interval_s: 0.25,
};

function fakeClock(): GateClock & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep(ms) {
      slept.push(ms);
      t += ms;
      return Promise.resolve();
    },
  };
}

function scripted(readings: MemoryReading[]) {
  let i = 0;
  return {
    read: () => Promise.resolve(readings[Math.min(i++, readings.length - 1)] as MemoryReading),
  };
}

Deno.test("the gate opens as soon as 75 % of the freed memory is back", async () => {
  const clock = fakeClock();
  const result = await runMemoryGate({
    before: { availableBytes: 4 * GB, swapUsedBytes: 0 },
    freedBytes: 20 * GB,
    settings,
    clock,
    probe: scripted([
      { availableBytes: 6 * GB, swapUsedBytes: 0 },
      { availableBytes: 12 * GB, swapUsedBytes: 0 },
      { availableBytes: 19 * GB, swapUsedBytes: 0 },
    ]),
  });
  assert.deepEqual(result, { reason: "released", seconds: 0.5, polls: 3 });
});

Deno.test("the gate times out with a scripted probe and a fake clock", async () => {
  const clock = fakeClock();
  const result = await runMemoryGate({
    before: { availableBytes: 4 * GB, swapUsedBytes: 0 },
    freedBytes: 20 * GB,
    settings: { ...settings, settle_timeout_s: 5 },
    clock,
    probe: scripted([{ availableBytes: 4 * GB, swapUsedBytes: 0 }]),
  });
  assert.equal(result.reason, "timeout");
  assert.equal(result.seconds, 5);
  assert.equal(result.polls, 21);
  assert.ok(clock.slept.every((ms) => ms <= 250));
});

Deno.test("the gate stops waiting when swap grows past the limit", async () => {
  const result = await runMemoryGate({
    before: { availableBytes: 4 * GB, swapUsedBytes: GB },
    freedBytes: 20 * GB,
    settings,
    clock: fakeClock(),
    probe: scripted([
      { availableBytes: 4 * GB, swapUsedBytes: GB + 100 * 1024 ** 2 },
      { availableBytes: 4 * GB, swapUsedBytes: GB + 600 * 1024 ** 2 },
    ]),
  });
  assert.equal(result.reason, "swap_growth");
  assert.equal(result.polls, 2);
});

Deno.test("nothing unloaded means no wait at all", async () => {
  const result = await runMemoryGate({
    before: { availableBytes: 0, swapUsedBytes: 0 },
    freedBytes: 0,
    settings,
    clock: fakeClock(),
    probe: scripted([]),
  });
  assert.deepEqual(result, { reason: "nothing_freed", seconds: 0, polls: 0 });
});

Deno.test("with plentiful memory on Linux a swap's gate opens on the first poll", async () => {
  const clock = fakeClock();
  const probe = systemMemoryProbe(() => ({
    available: 96 * GB,
    swapTotal: 8 * GB,
    swapFree: 8 * GB,
  }));
  const before = await probe.read();
  const result = await runMemoryGate({
    before,
    freedBytes: 21 * GB,
    needBytes: 17 * GB,
    settings,
    clock,
    probe,
  });
  assert.equal(result.reason, "released");
  assert.equal(result.polls, 1);
  assert.deepEqual(clock.slept, []);
});

Deno.test("an abort signal interrupts the gate", async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    runMemoryGate({
      before: { availableBytes: 0, swapUsedBytes: 0 },
      freedBytes: GB,
      settings,
      clock: fakeClock(),
      probe: scripted([{ availableBytes: 0, swapUsedBytes: 0 }]),
      signal: controller.signal,
    }),
    InterruptedError,
  );
});

Deno.test("on macOS the gate keeps waiting while the kernel reports critical pressure", async () => {
  const clock = fakeClock();
  const result = await runMemoryGate({
    before: { availableBytes: 4 * GB, swapUsedBytes: 0 },
    freedBytes: 20 * GB,
    settings,
    probe: scripted([
      { availableBytes: 30 * GB, swapUsedBytes: 0, pressure: 4 },
      { availableBytes: 30 * GB, swapUsedBytes: 0, pressure: 4 },
      { availableBytes: 30 * GB, swapUsedBytes: 0, pressure: 1 },
    ]),
    clock,
  });
  assert.deepEqual([result.reason, result.polls], ["released", 3]);
  assert.deepEqual(clock.slept, [250, 250]);
});

Deno.test("the gate reports each poll that keeps it closed: available, target and time waited", async () => {
  const clock = fakeClock();
  const seen: { availableBytes: number; targetBytes: number; seconds: number }[] = [];
  await runMemoryGate({
    before: { availableBytes: 4 * GB, swapUsedBytes: 0 },
    freedBytes: 20 * GB,
    settings,
    clock,
    probe: scripted([
      { availableBytes: 6 * GB, swapUsedBytes: 0 },
      { availableBytes: 12 * GB, swapUsedBytes: 0 },
      { availableBytes: 19 * GB, swapUsedBytes: 0 },
    ]),
    onWait: (p) => seen.push(p),
  });
  assert.deepEqual(seen, [
    { availableBytes: 6 * GB, targetBytes: 19 * GB, seconds: 0 },
    { availableBytes: 12 * GB, targetBytes: 19 * GB, seconds: 0.25 },
  ]);
});
