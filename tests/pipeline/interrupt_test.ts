import assert from "node:assert/strict";
import { join } from "node:path";
import { Store } from "../../src/store/store.ts";
import { type Reply, start } from "../fake_server/server.ts";
import { exampleProject, OutputWatcher, REPO, spawnLao } from "../lao_process.ts";
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
  const session = scriptedSession(EXAMPLE_TASKS);
  let coderAsked = () => {};
  const coderCalled = new Promise<void>((resolve) => coderAsked = resolve);
  await using server = await start({
    respond: (body, ctx): Reply => {
      if (body.model === KEYS.coder) {
        // The coder's next request hangs until the client gives up on it.
        server.setFaults({ kind: "hang" });
        coderAsked();
      }
      return session(body, ctx);
    },
  });
  const dir = await project(server.url);
  const child = spawnRun(dir);
  const stdout = new OutputWatcher(child.stdout);
  const stderr = new OutputWatcher(child.stderr);
  try {
    const log = stdout.rest();
    await coderCalled;
    child.kill("SIGINT");
    await stderr.waitFor(/Stopping after the current step/);
    child.kill("SIGINT");
    const [status, out, err] = await Promise.all([child.status, log, stderr.rest()]);
    assert.equal(status.code, 130, err);
    // Ended by the abort, not by the request timeout (30 s) and a retry.
    assert.doesNotMatch(out + err, /timed out/);
    const state = tasks(dir);
    assert.deepEqual(state[0], ["Greeting library", "pending", 0]);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a long-running lao run picks up a plan dropped into plans/ while it watches", async () => {
  await using server = await start({ respond: scriptedSession(EXAMPLE_TASKS) });
  // The periodic rescan is an hour away: only the file watcher can pick the plan up,
  // and only the first Ctrl+C can end the idle wait.
  const dir = await exampleProject(
    server.url,
    "orchestration:\n  retry_cooldown_base_s: 0\n  plan_watch_interval_s: 3600\n",
  );
  await Deno.remove(join(dir, "plans", "example_plan.md"));
  const child = spawnLao(dir, ["run", "--plain", "--no-pilot"]);
  const stdout = new OutputWatcher(child.stdout);
  const errors = new OutputWatcher(child.stderr).rest();
  // A broken watcher or wake-up would leave this run waiting for an hour; ending it
  // after two minutes turns that hang into a failed waitFor (output ended).
  const hangGuard = setTimeout(() => child.kill("SIGKILL"), 120_000);
  try {
    await stdout.waitFor(/idle: watching/);
    await Deno.copyFile(
      join(REPO, "plans", "example_plan.md"),
      join(dir, "plans", "example_plan.md"),
    );
    // Done, and idle again: the Ctrl+C below lands in the wait.
    await stdout.waitFor(/approved task #2[^]*idle: watching/);
    child.kill("SIGINT");
    const seen = await stdout.rest();
    const status = await child.status;
    assert.equal(status.code, 130, await errors);
    assert.match(seen, /LAO run interrupted/);
    assert.match(seen, /Run `lao run` to resume/);
    assert.deepEqual(tasks(dir).map((t) => t[1]), ["completed", "completed"]);
  } finally {
    clearTimeout(hangGuard);
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await errors;
    await Deno.remove(dir, { recursive: true });
  }
});
