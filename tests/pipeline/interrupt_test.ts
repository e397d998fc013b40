/**
 * Ctrl+C. The journey in a process: the first Ctrl+C of `lao run` finishes
 * the current step, exits 130 with the summary, and a restart finishes the
 * plan. The second Ctrl+C and the watching run go in-process on the harness
 * (real ports over the HTTP fake), stopped through the same two signals the
 * CLI's handler drives.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { LaoEvent } from "../../src/events/types.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { Store } from "../../src/store/store.ts";
import { type Reply, start } from "../fake_server/server.ts";
import { laoInProcess } from "../lao_in_process.ts";
import { exampleProject, REPO, spawnLao } from "../lao_process.ts";
import { harness } from "./harness.ts";
import { EXAMPLE_TASKS, KEYS, scriptedSession } from "./scripted.ts";

const project = (url: string) =>
  exampleProject(url, "orchestration:\n  retry_cooldown_base_s: 0\n  llm_request_timeout_s: 30\n");

const spawnRun = (dir: string) => spawnLao(dir, ["run", "--single-run", "--plain"]);

function tasks(dir: string) {
  const store = Store.open(join(dir, ".lao", "state.db"));
  try {
    return store.listTasks().map((t) => [t.title, t.status, t.attempt]);
  } finally {
    store.close();
  }
}

/** Resolves at the first event on `bus` that `match` accepts. */
function nextEvent(
  bus: { subscribe(fn: (e: LaoEvent) => void): () => void },
  match: (e: LaoEvent) => boolean,
): Promise<LaoEvent> {
  return new Promise((resolve) => {
    const off = bus.subscribe((e) => {
      if (!match(e)) return;
      off();
      resolve(e);
    });
  });
}

Deno.test("the first Ctrl+C finishes the current task and exits 130; a restart finishes the plan", async () => {
  const session = scriptedSession(EXAMPLE_TASKS);
  let child: Deno.ChildProcess | undefined;
  let signalled = false;
  await using server = await start({
    respond: (body, ctx): Reply => {
      if (body.model === KEYS.coder && !signalled) {
        signalled = true;
        child?.kill("SIGINT");
      }
      return session(body, ctx);
    },
  });
  const dir = await project(server.url);
  try {
    child = spawnRun(dir);
    const out = await child.output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 130, stderr);
    assert.match(stderr, /Stopping after the current step/);
    const stdout = new TextDecoder().decode(out.stdout);
    assert.match(stdout, /LAO run interrupted/);
    assert.match(stdout, /2 task\(s\) left; run `lao run` to resume where it stopped\./);
    // The task being coded was finished, nothing new was started.
    assert.deepEqual(tasks(dir), [["Greeting library", "coded", 0], [
      "Greeting tests",
      "pending",
      0,
    ]]);
    assert.ok(await Deno.stat(join(dir, "example_plan", "greeting", "__init__.py")));
    const again = await laoInProcess(dir, ["run", "--single-run", "--plain"]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(tasks(dir), [["Greeting library", "completed", 0], [
      "Greeting tests",
      "completed",
      0,
    ]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a second Ctrl+C aborts a hanging model call at once and hands the task back", async () => {
  const session = scriptedSession(EXAMPLE_TASKS);
  let coderAsked = () => {};
  const coderCalled = new Promise<void>((resolve) => coderAsked = resolve);
  await using h = await harness((body, ctx): Reply => {
    if (body.model === KEYS.coder) {
      // The coder's request hangs until the client gives up on it.
      h.server.setFaults({ kind: "hang" });
      coderAsked();
    }
    return session(body, ctx);
  }, (c) => {
    c.orchestration.llm_request_timeout_s = 30;
  });
  await h.addPlan(
    "example_plan.md",
    await Deno.readTextFile(join(REPO, "plans", "example_plan.md")),
  );
  const run = runPipeline(h.deps, { singleRun: true });
  await coderCalled;
  h.stop();
  h.abort();
  const result = await run;
  assert.equal(result.interrupted, true);
  // Ended by the abort, not by the request timeout (30 s) and a retry.
  const said = h.events.flatMap((e) => e.type === "log" ? [e.message] : []).join("\n");
  assert.doesNotMatch(said, /timed out/);
  assert.deepEqual(
    h.store.listTasks().map((t) => [t.title, t.status, t.attempt]),
    [["Greeting library", "pending", 0], ["Greeting tests", "pending", 0]],
  );
});

Deno.test("a long-running run picks up a plan dropped into plans/ while it watches", async () => {
  // The periodic rescan is an hour away: only the file watcher can pick the plan up,
  // and only the first Ctrl+C can end the idle wait.
  await using h = await harness(scriptedSession(EXAMPLE_TASKS), (c) => {
    c.orchestration.plan_watch_interval_s = 3600;
  });
  let completed = 0;
  h.deps.bus.subscribe((e) => {
    if (e.type === "task.transition" && e.to === "completed") completed++;
  });
  const idle = nextEvent(h.deps.bus, (e) => e.type === "run.state" && e.state === "idle");
  // Done, and idle again: the stop below lands in the wait.
  const idleAfterWork = nextEvent(
    h.deps.bus,
    (e) => e.type === "run.state" && e.state === "idle" && completed === 2,
  );
  const run = runPipeline(h.deps, {});
  // A broken watcher or wake-up would leave this run waiting for an hour; stopping it
  // after a minute turns that hang into the failed assertions below.
  const hangGuard = setTimeout(() => h.stop(), 60_000);
  try {
    await idle;
    await Deno.copyFile(
      join(REPO, "plans", "example_plan.md"),
      join(h.dir, "plans", "example_plan.md"),
    );
    await Promise.race([idleAfterWork, run]);
    h.stop();
    const result = await run;
    assert.equal(result.interrupted, true);
    assert.deepEqual(h.store.listTasks().map((t) => t.status), ["completed", "completed"]);
  } finally {
    clearTimeout(hangGuard);
    h.stop();
    await run;
  }
});
