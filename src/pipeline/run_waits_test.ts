import assert from "node:assert/strict";
import { givesUp, infraPauseMs, nextStep } from "./run_waits.ts";

Deno.test("infraPauseMs() doubles from 2 s and stays at 60 s", () => {
  assert.deepEqual([1, 2, 3, 5, 6, 7, 20].map((n) => infraPauseMs(n)), [
    2000,
    4000,
    8000,
    32000,
    60000,
    60000,
    60000,
  ]);
});

Deno.test("infraPauseMs() starts from orchestration.outage_pause_base_s, still at most 60 s", () => {
  assert.deepEqual([1, 2, 3, 30].map((n) => infraPauseMs(n, 0.01)), [10, 20, 40, 60000]);
  assert.equal(infraPauseMs(1, 0), 0);
});

Deno.test("givesUp(): only a single run gives up, after more outages than allowed", () => {
  assert.equal(givesUp(true, 6), false);
  assert.equal(givesUp(true, 7), true);
  assert.equal(givesUp(true, 3, 2), true);
  assert.equal(givesUp(false, 100), false);
});

Deno.test("nextStep(): a single run waits out a cooldown, then is done", () => {
  const o = { singleRun: true, nowMs: 1000, watchIntervalS: 30 };
  assert.deepEqual(nextStep("now", o), { kind: "now" });
  assert.deepEqual(nextStep(new Date(4000), o), { kind: "cooldown", waitMs: 3000 });
  assert.deepEqual(nextStep(new Date(500), o), { kind: "cooldown", waitMs: 0 });
  assert.deepEqual(nextStep(null, o), { kind: "done" });
});

Deno.test("nextStep(): a watching run wakes after the next cooldown, within 100 ms and the watch interval", () => {
  const o = { singleRun: false, nowMs: 1000, watchIntervalS: 30 };
  assert.deepEqual(nextStep(null, o), { kind: "watch", waitMs: 30_000 });
  assert.deepEqual(nextStep(new Date(6000), o), { kind: "watch", waitMs: 5005 });
  assert.deepEqual(nextStep(new Date(1000), o), { kind: "watch", waitMs: 100 });
  assert.deepEqual(nextStep(new Date(100_000), o), { kind: "watch", waitMs: 30_000 });
});
