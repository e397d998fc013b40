/**
 * Issue 16 end to end: two fake servers of two slots each, real ports (HTTP
 * model managers, the workspace guard, git), the ten-task plan.
 */
import assert from "node:assert/strict";
import type { Config } from "../../src/config/schema.ts";
import { buildLanes } from "../../src/pipeline/server_lanes.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { type FakeServer, start } from "../fake_server/server.ts";
import { harness } from "./harness.ts";
import { KEYS, scriptedSession, TEN_PLAN, TEN_TASKS } from "./scripted.ts";

const server = (name: string, url: string): Config["servers"][number] => ({
  name,
  base_url: url,
  kind: "lmstudio",
  api_key: null,
  slots: 2,
  roles: null,
});

/** Most coder phases running at once. */
function peakCoders(events: { type: string; phase?: string }[]): number {
  let now = 0;
  let most = 0;
  for (const e of events) {
    if (e.type === "phase.start" && e.phase === "coder") most = Math.max(most, ++now);
    if (e.type === "phase.end" && e.phase === "coder") now--;
  }
  return most;
}

/**
 * Holds coder requests (on any server) until two are in flight at once, then
 * lets every request through: two coders side by side is then a fact the
 * servers saw, not a race the test hopes to win. A scheduler that codes one
 * task at a time never sends the second request; the guard then releases the
 * first so the test fails on its assertion instead of hanging.
 */
function sideBySide() {
  const held: (() => void)[] = [];
  let together = false;
  let guard: ReturnType<typeof setTimeout> | undefined;
  const sleep = (server: () => FakeServer | undefined) => (): Promise<void> => {
    const body = server()?.requests.at(-1)?.body as { model?: string } | undefined;
    if (together || body?.model !== KEYS.coder) return Promise.resolve();
    return new Promise<void>((resolve) => {
      held.push(resolve);
      const release = () => {
        clearTimeout(guard);
        for (const r of held.splice(0)) r();
      };
      if (held.length >= 2) {
        together = true;
        release();
      } else guard ??= setTimeout(release, 30_000);
    });
  };
  return {
    generation: (server: () => FakeServer | undefined) => ({
      slots: 2,
      tokensPerSecond: 1000,
      completionTokens: 1,
      sleep: sleep(server),
    }),
    together: () => together,
    close: () => clearTimeout(guard),
  };
}

Deno.test("two servers of two slots complete the ten-task plan with tasks side by side", async () => {
  const session = scriptedSession(TEN_TASKS);
  const barrier = sideBySide();
  // The servers exist only once started; each one's hold looks at its own requests.
  const fakes: { a?: FakeServer; b?: FakeServer } = {};
  await using h = await harness(session, () => {}, {
    server: { generation: barrier.generation(() => fakes.a) },
  });
  fakes.a = h.server;
  await using second = await start({
    respond: session,
    generation: barrier.generation(() => fakes.b),
  });
  fakes.b = second;
  const config = { ...h.config, servers: [server("a", h.server.url), server("b", second.url)] };
  const lanes = await buildLanes(h.deps, config);
  assert.ok(lanes && lanes.length === 2);
  await h.addPlan("ten.md", TEN_PLAN);
  const result = await runPipeline({ ...h.deps, lanes }, { singleRun: true });
  assert.equal(result.plans[0]!.status, "completed");
  const tasks = h.store.listTasks();
  assert.ok(
    tasks.every((t) => t.status === "completed"),
    JSON.stringify(tasks.map((t) => t.status)),
  );
  barrier.close();
  assert.ok(barrier.together(), "two coder requests were in flight at once");
  assert.ok(peakCoders(h.events) > 1, "independent tasks were coded at once");
  assert.ok(second.requests.some((r) => r.path === "/v1/chat/completions"), "server b worked");
});

Deno.test("a server killed mid-run: its tasks move to the other server, no attempts used", async () => {
  const session = scriptedSession(TEN_TASKS);
  let chats = 0;
  await using h = await harness(session);
  const second = await start({
    respond: (body, ctx) => {
      // Server b dies after its first answer.
      if (++chats === 1) queueMicrotask(() => void second.close());
      return session(body, ctx);
    },
  });
  const config = { ...h.config, servers: [server("a", h.server.url), server("b", second.url)] };
  const lanes = await buildLanes(h.deps, config);
  await h.addPlan("ten.md", TEN_PLAN);
  const result = await runPipeline({ ...h.deps, lanes: lanes! }, { singleRun: true });
  assert.equal(result.infraError, undefined);
  const tasks = h.store.listTasks();
  assert.ok(tasks.every((t) => t.status === "completed"));
  // Task j is rejected once by design; no other task used an attempt.
  assert.deepEqual(
    tasks.filter((t) => t.attempt > 0).map((t) => t.title),
    ["Task j"],
  );
  assert.ok(chats >= 1, "server b answered before it died");
  // Server b's task was handed back (no attempt) and finished on server a.
  const handed = h.events.filter((e) =>
    e.type === "task.transition" && (e.reason ?? "").startsWith("paused")
  );
  assert.ok(handed.length >= 1, "a task was handed back");
  for (const e of handed) {
    const id = "taskId" in e ? e.taskId : -1;
    const last = h.events.filter((x) => x.type === "phase.start" && x.taskId === id).at(-1);
    assert.equal(last && "server" in last && last.server, "a", `task #${id} finished on a`);
  }
});
