/**
 * Issue 10's transport faults through the same end-to-end path: a real
 * `lao run --single-run` whose coder and reviewer calls meet a 200 MB reply,
 * a never-ending stream, a cut stream and garbage SSE. No attempt is burned,
 * LAO's peak memory stays under 1 GB, and the run completes once the faults
 * are gone.
 */
import assert from "node:assert/strict";
import { type Attack, AttackProject } from "./harness.ts";
import { KEYS } from "../pipeline/scripted.ts";

const PLANS: Attack[] = [{ id: "calm_a", steps: [] }, { id: "calm_b", steps: [] }];

Deno.test("faults: oversize and endless replies on the coder and the reviewer burn no attempt, memory < 1 GB", async () => {
  await using p = await AttackProject.create(PLANS);
  p.server.setFaults(
    { kind: "oversize", model: KEYS.coder, sizeBytes: 200 * 1024 * 1024, times: 2 },
    { kind: "stream_cut", model: KEYS.coder, afterChunks: 2, times: 1 },
    { kind: "endless", model: KEYS.reviewer, times: 2 },
    { kind: "garbage_sse", model: KEYS.reviewer, afterChunks: 2, times: 1 },
  );
  const r = await p.run();
  await p.assertHeld(r, { codes: [0] });
  assert.equal(r.status.tasks.completed, PLANS.length, r.stdout);
  assert.ok(r.peakRss > 0, "LAO's memory was measured");
  assert.doesNotMatch(r.stdout, /attempt 2\//, "a transport fault burned an attempt");
});
