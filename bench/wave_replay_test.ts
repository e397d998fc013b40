import assert from "node:assert/strict";
import { replay, replayLoadBound, replayWaves } from "./wave_replay.ts";

const shape = { layers: 5, width: 10, aloneSeconds: 2 };

Deno.test("wave replay: one slot runs every request alone (architect, 3 per task, the rework's 3)", () => {
  assert.equal(replayWaves({ ...shape, servers: 1, slots: 1 }), (1 + 3 * 50 + 3) * 2);
});

Deno.test("wave replay: slots held per task leave 4 slots empty at the end of a layer of 10; held per request they stay under 0.4x", () => {
  const ratio = (width: number, perTask: boolean) =>
    replayWaves({ ...shape, width, servers: 1, slots: 4, perTask }) /
    replayWaves({ ...shape, width, servers: 1, slots: 1 });
  assert.ok(ratio(8, true) <= 0.4, `${ratio(8, true)}`);
  assert.ok(ratio(10, true) > 0.4, `${ratio(10, true)}`);
  assert.ok(ratio(10, false) <= 0.4, `${ratio(10, false)}`);
});

Deno.test("wave replay: a second server of 4 slots shortens the plan", () => {
  const one = replayWaves({ ...shape, servers: 1, slots: 4 });
  assert.ok(replayWaves({ ...shape, servers: 2, slots: 4 }) < one);
});

Deno.test("lane replay: two servers of 4 on the 5x10 plan pipeline under 0.25x, loads per server within the bound", () => {
  const seq = replayWaves({ ...shape, servers: 1, slots: 1 });
  const global = replay({ ...shape, servers: 2, slots: 4 }, "global");
  const lanes = replay({ ...shape, servers: 2, slots: 4 }, "lanes");
  assert.ok(global.seconds / seq > 0.25, `global ${global.seconds / seq}`);
  assert.ok(lanes.seconds / seq <= 0.25, `lanes ${lanes.seconds / seq}`);
  assert.ok(lanes.loads.every((l) => l <= replayLoadBound(5)), `${lanes.loads}`);
});

Deno.test("lane replay: never slower than the global waves, never over the load bound", () => {
  for (const [layers, width] of [[5, 10], [3, 8], [4, 12], [5, 16], [2, 5]] as const) {
    for (const servers of [2, 3]) {
      for (const slots of [1, 2, 4, 8]) {
        const s = { layers, width, aloneSeconds: 2, servers, slots };
        const lanes = replay(s, "lanes");
        const label = `${layers}x${width} on ${servers}x${slots}`;
        assert.ok(lanes.seconds <= replay(s, "global").seconds + 1e-9, label);
        assert.ok(lanes.loads.every((l) => l <= replayLoadBound(layers)), label);
      }
    }
  }
});
