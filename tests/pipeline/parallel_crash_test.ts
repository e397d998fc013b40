/**
 * Issue 16, crash recovery with several tasks in flight: real `lao run`
 * processes against a fake server of 4 slots (git on, so each task codes in
 * its own worktree). The fake holds every coder's request after its file
 * write until 4 are in flight at once (each worktree holds an uncommitted
 * file), then LAO is killed with SIGKILL; a restart must finish the plan
 * with at most one extra attempt per task, a sound database, no worktree of
 * a finished task left behind and each task's coder commit on the plan
 * branch exactly once. The other stop points (before any write, during the
 * reviews) run in-process in `parallel_test.ts`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Store } from "../../src/store/store.ts";
import { type ChatBody, start } from "../fake_server/server.ts";
import { SMALL_MODELS_YAML, spawnLao } from "../lao_process.ts";
import { assertFiveFinished, FIVE_PLAN, FIVE_TASKS } from "./parallel_fixtures.ts";
import { KEYS, scriptedSession } from "./scripted.ts";

const startLao = (dir: string) => spawnLao(dir, ["run", "--single-run", "--plain"]);

/** A project with `plans/five.md` and one server of 4 slots. */
async function project(url: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "lao_parallel_crash_" });
  await Deno.mkdir(join(dir, "plans"));
  await Deno.writeTextFile(join(dir, "plans", "five.md"), FIVE_PLAN);
  await Deno.writeTextFile(
    join(dir, "factory.yaml"),
    `lm_studio_base_url: ${url}\nserver:\n  kind: lmstudio\nmodels:\n${SMALL_MODELS_YAML}` +
      `servers:\n  - name: a\n    base_url: ${url}\n    kind: lmstudio\n    slots: 4\n` +
      "orchestration:\n  retry_cooldown_base_s: 0\n  run_lock_ttl_s: 0.5\n",
  );
  return dir;
}

/**
 * Kills the first run once 4 coder requests that follow the tool call (each
 * worktree holds an uncommitted file) are in flight.
 */
async function killWithFourInFlight() {
  const key = KEYS.coder;
  let child: Deno.ChildProcess | undefined;
  let killed = false;
  const held: (() => void)[] = [];
  // The fake's generation time: held while the first run is alive, so the
  // fake's own in-flight count is what triggers the kill. A free slot calls
  // `sleep` right after recording the request, so the last record is its body.
  const sleep = (): Promise<void> => {
    const gate = server.gates.get(key);
    const body = server.requests.at(-1)?.body as ChatBody | undefined;
    const wrote = body?.messages?.at(-1)?.role === "tool";
    const mine = body?.model === key && wrote;
    if (killed || !gate || !mine) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      held.push(resolve);
      if (gate.inFlight >= 4 && held.length >= 4) {
        killed = true;
        child?.kill("SIGKILL");
        for (const release of held.splice(0)) release();
      }
    });
  };
  const server = await start({
    respond: scriptedSession(FIVE_TASKS),
    generation: { slots: 4, tokensPerSecond: 1000, completionTokens: 1, sleep },
  });
  const dir = await project(server.url);
  try {
    child = startLao(dir);
    const first = await child.output();
    assert.ok(killed, `the first run ended before 4 requests were in flight: ${first.code}`);
    assert.equal(first.signal, "SIGKILL");
    assert.equal(server.gates.get(key)?.peak, 4);

    child = startLao(dir);
    const second = await child.output();
    assert.equal(second.code, 0, new TextDecoder().decode(second.stderr));

    const store = Store.open(join(dir, ".lao", "state.db"));
    let workspace = "";
    try {
      const tasks = store.listTasks();
      assert.deepEqual(
        tasks.map((t) => [t.title, t.status]),
        FIVE_TASKS.map((t) => [t.title, "completed"]),
      );
      for (const t of tasks) {
        assert.ok(t.attempt <= 1, `${t.title} used ${t.attempt} extra attempts`);
      }
      const check = store.db.prepare("PRAGMA integrity_check").all() as {
        integrity_check: string;
      }[];
      assert.deepEqual(check.map((r) => r.integrity_check), ["ok"]);
      const plan = store.listPlans()[0]!;
      assert.equal(plan.status, "completed");
      workspace = plan.workspace!;
    } finally {
      store.close();
    }
    await assertFiveFinished(dir, workspace);
  } finally {
    try {
      child?.kill("SIGKILL");
    } catch {
      // Already ended.
    }
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("SIGKILL with 4 coders in flight (files written, not committed) and a restart finish the plan", async () => {
  await killWithFourInFlight();
});
