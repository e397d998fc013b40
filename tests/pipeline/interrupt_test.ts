import assert from "node:assert/strict";
import { join } from "node:path";
import { Store } from "../../src/store/store.ts";
import { type Reply, start } from "../fake_server/server.ts";
import { exampleProject, spawnLao } from "../lao_process.ts";
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
