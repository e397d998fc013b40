import assert from "node:assert/strict";
import { join } from "node:path";
import { Store } from "../../src/store/store.ts";
import { type Reply, start } from "../fake_server/server.ts";
import { exampleProject, REPO, spawnLao } from "../lao_process.ts";
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
    // The task being coded was finished, nothing new was started.
    assert.deepEqual(tasks(dir), [["Greeting library", "coded", 0], [
      "Greeting tests",
      "pending",
      0,
    ]]);
    assert.ok(await Deno.stat(join(dir, "example_plan", "greeting", "__init__.py")));
    const again = await spawnRun(dir).output();
    assert.equal(again.code, 0, new TextDecoder().decode(again.stderr));
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
  let child: Deno.ChildProcess | undefined;
  const session = scriptedSession(EXAMPLE_TASKS);
  await using server = await start({
    respond: (body, ctx): Reply => {
      if (body.model === KEYS.coder) {
        server.setFaults({ kind: "hang" });
        setTimeout(() => child?.kill("SIGINT"), 200);
        setTimeout(() => child?.kill("SIGINT"), 400);
      }
      return session(body, ctx);
    },
  });
  const dir = await project(server.url);
  try {
    child = spawnRun(dir);
    const out = await child.output();
    assert.equal(out.code, 130, new TextDecoder().decode(out.stderr));
    const state = tasks(dir);
    assert.deepEqual(state[0], ["Greeting library", "pending", 0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a long-running lao run picks up a plan dropped into plans/ while it watches", async () => {
  await using server = await start({ respond: scriptedSession(EXAMPLE_TASKS) });
  const dir = await exampleProject(
    server.url,
    "orchestration:\n  retry_cooldown_base_s: 0\n  plan_watch_interval_s: 30\n",
  );
  await Deno.remove(join(dir, "plans", "example_plan.md"));
  const child = spawnLao(dir, ["run", "--plain", "--no-pilot"]);
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    const waitFor = async (pattern: RegExp) => {
      while (!pattern.test(seen)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`lao run ended before ${pattern}:\n${seen}`);
        seen += value;
      }
    };
    await waitFor(/idle: watching/);
    const dropped = Date.now();
    await Deno.copyFile(
      join(REPO, "plans", "example_plan.md"),
      join(dir, "plans", "example_plan.md"),
    );
    await waitFor(/approved task #2/);
    // Picked up by the file watcher, well before the 30 s rescan.
    assert.ok(Date.now() - dropped < 25_000);
    const stopped = Date.now();
    child.kill("SIGINT");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    const status = await child.status;
    assert.equal(status.code, 130);
    // Idle: the first Ctrl+C ends the wait at once and the summary says how to resume.
    assert.ok(Date.now() - stopped < 10_000);
    assert.match(seen, /LAO run interrupted/);
    assert.match(seen, /Run `lao run` to resume/);
    assert.deepEqual(tasks(dir).map((t) => t[1]), ["completed", "completed"]);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await child.stderr.cancel().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});
