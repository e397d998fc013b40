import assert from "node:assert/strict";
import { join } from "node:path";
import { Store } from "../../src/store/store.ts";
import type { ChatBody, Reply } from "../fake_server/server.ts";
import { start } from "../fake_server/server.ts";
import { exampleProject, spawnLao } from "../lao_process.ts";
import { EXAMPLE_TASKS, KEYS, scriptedSession } from "./scripted.ts";

const startLao = (dir: string) => spawnLao(dir, ["run", "--single-run", "--plain"]);

function firstUser(body: ChatBody): string {
  const m = (body.messages ?? []).find((x) => x.role === "user");
  return typeof m?.content === "string" ? m.content : "";
}

/**
 * Kills `lao run` with SIGKILL when the fake server receives its `killAt`-th
 * chat request, restarts it, and checks the plan finishes with no completed
 * task coded again.
 */
async function killAndResume(killAt: number) {
  let dir = "";
  const session = scriptedSession(EXAMPLE_TASKS);
  const approved = new Set<string>();
  const violations: string[] = [];
  let chats = 0;
  let child: Deno.ChildProcess | undefined;
  let killed = false;
  const server = await start({
    respond: (body, ctx): Reply => {
      chats++;
      if (!killed && chats === killAt) {
        killed = true;
        child?.kill("SIGKILL");
      }
      if (body.model === KEYS.coder) {
        const done = EXAMPLE_TASKS.find((t) => firstUser(body).includes(`## Task: ${t.title}\n`));
        if (done && approved.has(done.title)) violations.push(`${done.title} coded after approval`);
      }
      const reply = session(body, ctx);
      if (body.model === KEYS.reviewer && reply.content?.includes("APPROVED")) {
        const t = EXAMPLE_TASKS.find((x) =>
          JSON.stringify(body.messages).includes(`## Task Specification: ${x.title}\\n`)
        );
        // The killed process never receives the reply to request #killAt.
        if (t && chats !== killAt) approved.add(t.title);
      }
      return reply;
    },
  });
  try {
    // The shortest lease LAO allows: the restart waits out the killed run's lease
    // (a few missed heartbeats, then the rest of it) before taking over.
    dir = await exampleProject(
      server.url,
      "orchestration:\n  retry_cooldown_base_s: 0\n  run_lock_ttl_s: 0.5\n",
    );
    child = startLao(dir);
    const first = await child.output();
    assert.ok(killed, `the run finished before chat request #${killAt}`);
    assert.equal(first.signal, "SIGKILL");
    child = startLao(dir);
    const second = await child.output();
    const stderr = new TextDecoder().decode(second.stderr);
    assert.equal(second.code, 0, stderr);
    const store = Store.open(join(dir, ".lao", "state.db"));
    try {
      assert.deepEqual(store.listTasks().map((t) => [t.title, t.status]), [
        ["Greeting library", "completed"],
        ["Greeting tests", "completed"],
      ]);
    } finally {
      store.close();
    }
    for (const t of EXAMPLE_TASKS) {
      assert.equal(await Deno.readTextFile(join(dir, "example_plan", t.file)), t.content);
    }
    assert.deepEqual(violations, []);
  } finally {
    await server.close();
    if (dir) await Deno.remove(dir, { recursive: true });
  }
}

// Chat requests of the example plan: 1 planner, 2-3 coder (task 1), 4 reviewer (task 1),
// 5-6 coder (task 2), 7 reviewer (task 2). The journey is killed once, while the second
// task is being coded after the first was approved; every other stopping point runs
// in-process on the fake pipeline (src/pipeline/run_recovery_test.ts).
Deno.test("SIGKILL at chat request #6 and a restart finish the plan without recoding a completed task", async () => {
  await killAndResume(6);
});
