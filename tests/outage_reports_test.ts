/**
 * History noise: a server outage of a minute (five pauses of 2, 4, 8, 16 and
 * 32 s) leaves at most one `lao(report)` commit in the plan's workspace, the
 * one written when the plan's report changed after the outage.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runPipeline } from "../src/pipeline/run.ts";
import { harness } from "./pipeline/harness.ts";
import { EXAMPLE_TASKS, KEYS, scriptedSession } from "./pipeline/scripted.ts";

async function subjects(workspace: string): Promise<string[]> {
  const out = await new Deno.Command("git", {
    args: ["-C", workspace, "log", "--format=%s"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim().split("\n");
}

Deno.test("an outage of a minute leaves at most one lao(report) commit", async () => {
  await using h = await harness(scriptedSession(EXAMPLE_TASKS));
  h.server.setFaults({ kind: "http_503", model: KEYS.coder, sticky: true });
  // The pauses pass at once; the server comes back after the fifth (2+4+8+16+32 = 62 s).
  const pauses: number[] = [];
  h.deps.sleep = (ms) => {
    pauses.push(ms);
    if (pauses.length === 5) h.server.setFaults();
    return Promise.resolve();
  };
  await h.addPlan(
    "example_plan.md",
    await Deno.readTextFile(new URL("../plans/example_plan.md", import.meta.url)),
  );
  const result = await runPipeline(h.deps, { singleRun: true });
  assert.equal(result.infraError, undefined);
  const outage = h.events.filter((e) => e.type === "run.state" && e.state === "paused");
  assert.equal(outage.length, 5);
  assert.ok(pauses.slice(0, 5).reduce((a, b) => a + b, 0) >= 60_000, `${pauses}`);
  assert.deepEqual(h.store.listTasks().map((t) => t.status), ["completed", "completed"]);
  const log = await subjects(join(h.dir, "example_plan"));
  const reports = log.filter((s) => s.startsWith("lao(report)"));
  assert.ok(reports.length <= 1, log.join("\n"));
  // The run's work is all there: the report commit is the last one, after the reviews.
  assert.equal(reports.length, 1, log.join("\n"));
  assert.match(log[0]!, /^lao\(report\)/);
});
