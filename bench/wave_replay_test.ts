import assert from "node:assert/strict";
import { replayWaves } from "./wave_replay.ts";

const shape = { layers: 5, width: 10, aloneSeconds: 2 };

Deno.test("wave replay: one slot runs every request alone (architect, 3 per task, the rework's 3)", () => {
  assert.equal(replayWaves({ ...shape, servers: 1, slots: 1 }), (1 + 3 * 50 + 3) * 2);
});

Deno.test("wave replay: layers of 8 fill 4 slots and stay under 0.4x, layers of 10 leave slots empty", () => {
  const ratio = (width: number) =>
    replayWaves({ ...shape, width, servers: 1, slots: 4 }) /
    replayWaves({ ...shape, width, servers: 1, slots: 1 });
  assert.ok(ratio(8) <= 0.4, `${ratio(8)}`);
  assert.ok(ratio(10) > 0.4, `${ratio(10)}`);
});

Deno.test("wave replay: a second server of 4 slots shortens the plan", () => {
  const one = replayWaves({ ...shape, servers: 1, slots: 4 });
  assert.ok(replayWaves({ ...shape, servers: 2, slots: 4 }) < one);
});
