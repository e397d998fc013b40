/**
 * Issue 16, default configuration: one server with one slot runs exactly as
 * before slots existed: no lanes, the sequential scheduler, no worktree per
 * task, no server or slot on any event, and the same event sequence whether
 * the server comes from `lm_studio_base_url` or from a one-entry `servers:`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { LaoEvent } from "../../src/events/types.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { buildLanes } from "../../src/pipeline/server_lanes.ts";
import { harness } from "./harness.ts";
import { scriptedSession, TEN_PLAN, TEN_TASKS } from "./scripted.ts";

/** The run's events without times, hashes and durations. */
function shape(events: LaoEvent[]): string[] {
  return events.filter((e) => e.type !== "llm.progress" && e.type !== "log").map((e) => {
    switch (e.type) {
      case "phase.start":
        return `start ${e.phase} #${e.taskId ?? "-"} ${e.attempt ?? ""}`;
      case "phase.end":
        return `end ${e.phase} #${e.taskId ?? "-"} ${e.ok}`;
      case "task.transition":
        return `task #${e.taskId} ${e.from}->${e.to}`;
      case "git.commit":
        return `commit ${e.subject}`;
      case "model.load":
        return `load ${e.role} ${e.model}`;
      default:
        return e.type;
    }
  });
}

async function run(explicit: boolean) {
  await using h = await harness(scriptedSession(TEN_TASKS));
  const config = explicit
    ? {
      ...h.config,
      servers: [{
        name: "only",
        base_url: h.server.url,
        kind: "lmstudio" as const,
        api_key: null,
        slots: 1,
        roles: null,
      }],
    }
    : h.config;
  assert.equal(await buildLanes(h.deps, config), null, "no lanes: the sequential scheduler");
  await h.addPlan("ten.md", TEN_PLAN);
  const result = await runPipeline(h.deps, { singleRun: true });
  assert.equal(result.plans[0]!.status, "completed");
  assert.equal(result.slotUsage, undefined);
  const starts = h.events.filter((e) => e.type === "phase.start");
  assert.ok(starts.every((e) => !("server" in e) && !("slot" in e)));
  const worktrees = join(h.dir, ".lao", "worktrees");
  const made = await Deno.stat(worktrees).then(() => true, () => false);
  assert.equal(made, false, "no task worktree");
  return shape(h.events);
}

Deno.test("one server with one slot: the sequential run, the same events with or without servers:", async () => {
  const implicit = await run(false);
  const explicit = await run(true);
  // Commits land in the background (issue 12): they keep their order, not their place among the rest.
  const commits = (lines: string[]) => lines.filter((l) => l.startsWith("commit "));
  const rest = (lines: string[]) => lines.filter((l) => !l.startsWith("commit "));
  assert.deepEqual(rest(explicit), rest(implicit));
  assert.deepEqual(commits(explicit), commits(implicit));
  // One task at a time: every start is followed by its end before the next start.
  const phases = implicit.filter((l) => l.startsWith("start") || l.startsWith("end"));
  for (let i = 0; i < phases.length; i += 2) {
    assert.equal(phases[i]!.split(" ")[2], phases[i + 1]!.split(" ")[2], phases.join("\n"));
  }
});
