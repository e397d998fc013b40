/**
 * The live dashboard as a person sees it in a terminal (tmux): true totals
 * and the plan's file name after a resume, a visible memory-gate wait, and a
 * paused run during a server outage.
 */
import assert from "node:assert/strict";
import { start } from "../fake_server/server.ts";
import { defaultFakeModels } from "../fake_server/types.ts";
import { OutputWatcher, SMALL_MODELS_YAML, spawnLao } from "../lao_process.ts";
import { laoInProcess } from "../lao_in_process.ts";
import { EXAMPLE_TASKS, KEYS, scriptedSession, TEN_PLAN, TEN_TASKS } from "../pipeline/scripted.ts";
import { frames, hasTmux, laoInTmux } from "./tmux.ts";

async function project(serverUrl: string, models: string, extraYaml = ""): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "lao_dash_" });
  await Deno.mkdir(`${dir}/plans`);
  await Deno.writeTextFile(
    `${dir}/factory.yaml`,
    `lm_studio_base_url: ${serverUrl}\nserver:\n  kind: lmstudio\nmodels:\n${models}` +
      `orchestration:\n  retry_cooldown_base_s: 0\n  llm_retry_backoff_base_s: 0.01\n${extraYaml}`,
  );
  return dir;
}

Deno.test({
  name: "after a resume of a half-done plan the dashboard shows ten.md and the true totals",
  ignore: !hasTmux,
  fn: async () => {
    await using server = await start({ respond: scriptedSession(TEN_TASKS) });
    const dir = await project(server.url, SMALL_MODELS_YAML);
    try {
      await Deno.writeTextFile(`${dir}/plans/ten.md`, TEN_PLAN);
      // First run: Ctrl+C once four tasks are done; the current step finishes, the rest waits.
      const first = spawnLao(dir, ["run", "--single-run", "--plain"]);
      const out = new OutputWatcher(first.stdout);
      const err = new OutputWatcher(first.stderr);
      const errText = err.rest();
      await out.waitFor(/(→ completed[^]*){4}/).catch(async (e) => {
        throw new Error(`${e}\n${await errText}`);
      });
      // However fast the rest would go, the coder is unavailable from now on: the run
      // finishes at most the step in flight, then pauses until the Ctrl+C.
      server.setFaults({ kind: "http_503", model: KEYS.coder, sticky: true });
      first.kill("SIGINT");
      await out.rest();
      server.setFaults();
      assert.equal((await first.status).code, 130, await errText);
      const status = await laoInProcess(dir, ["status", "--json"]);
      const doc = JSON.parse(status.stdout);
      const done: number = doc.tasks.completed;
      assert.equal(doc.total, 10);
      assert.ok(done >= 4 && done < 10, `half done: ${done} of 10 completed`);

      // The resume, on a terminal.
      await using lao = await laoInTmux(dir, ["run", "--single-run"], { rows: 40 });
      const screen = await lao.exited();
      assert.match(screen, /exit=0/);
      const drawn = frames(await lao.raw()).filter((f) => /tasks completed/.test(f));
      assert.ok(drawn.length > 0, `no dashboard frame:\n${screen}`);
      // The first frame already knows the whole queue and the plan's name.
      assert.match(drawn[0]!, new RegExp(`\\] ${done}/10 tasks completed`));
      assert.match(drawn[0]!, /plan ten\.md/);
      // The same counts as lao status.
      const counts = ["pending", "coding", "coded", "review", "completed", "failed"]
        .map((s) => `${s} ${doc.tasks[s]}`).join(" · ");
      assert.ok(drawn[0]!.includes(counts), `${counts} in\n${drawn[0]}`);
      for (const frame of drawn) {
        assert.doesNotMatch(frame, /\d+\/(?!10 )\d+ tasks completed/, frame);
        assert.doesNotMatch(frame, /plan [0-9a-f]{16}/, frame);
      }
      assert.match(drawn.at(-1)!, /10\/10 tasks completed/);
      assert.match(screen, /LAO run finished/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a memory-gate wait shows available/target memory and a moving elapsed time",
  ignore: !hasTmux,
  fn: async () => {
    // The real memory probe, and models no machine has room for: the planner
    // reports 1 PB when it is unloaded and the coder needs 1 PB, so the gate
    // waits for memory that never comes (until its settle timeout).
    const huge = 10 ** 15;
    const models = defaultFakeModels().map((m) =>
      m.key === KEYS.planner ? { ...m, sizeBytes: huge } : m
    );
    await using server = await start({ models, respond: scriptedSession(EXAMPLE_TASKS) });
    const roles = SMALL_MODELS_YAML.replace(
      /( {2}coder:\n {4}size_bytes: )\d+/,
      `$1${huge}`,
    );
    const dir = await project(
      server.url,
      roles,
      "memory_gate:\n  release_fraction: 1\n  swap_growth_limit_mb: 1073741824\n" +
        "  settle_timeout_s: 600\n  poll_interval_s: 0.5\n",
    );
    try {
      await Deno.copyFile(
        new URL("../../plans/example_plan.md", import.meta.url),
        `${dir}/plans/example_plan.md`,
      );
      await using lao = await laoInTmux(dir, ["run", "--single-run"]);
      const waiting =
        /waiting for memory: ([\d.]+ [MGT]B) of ([\d.]+ [MGT]B) available · ([\d.]+)s/;
      const firstScreen = await lao.waitForScreen(waiting);
      const [, available, target, firstSeconds] = firstScreen.match(waiting)!;
      // The target is what is free before the unload plus the 1 PB it freed.
      assert.ok(target!.endsWith(" GB") && Number.parseFloat(target!) > 900_000, target);
      // What the real probe reads on this machine: far below it.
      assert.ok(Number.parseFloat(available!) < 900_000, available);
      // The elapsed time moves while the wait lasts.
      const later = await lao.waitForScreen((screen) => {
        const seconds = screen.match(waiting)?.[3];
        return seconds !== undefined && Number(seconds) > Number(firstSeconds);
      });
      assert.match(later, /plan example_plan\.md/);
      // The first Ctrl+C would finish the step after the wait; the second ends the wait at once.
      await lao.keys("C-c");
      const stopping = await lao.waitForScreen(
        /LAO · .*stopping \(Ctrl\+C again aborts\) · waiting for memory/,
      );
      // The notice stays above the panel (a line written past it would be erased by the next frame).
      assert.match(
        stopping,
        /warning: Stopping after the current step \(Ctrl\+C again to abort now\)/,
      );
      await lao.keys("C-c");
      assert.match(await lao.exited(), /exit=130/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a server outage shows the run paused with the next retry, then the run goes on",
  ignore: !hasTmux,
  fn: async () => {
    await using server = await start({ respond: scriptedSession(EXAMPLE_TASKS) });
    server.setFaults({ kind: "http_503", model: KEYS.coder, sticky: true });
    // Pauses of 0.5 s, 1 s, 2 s...: each long enough for the pane's 40 ms polls to see it.
    const dir = await project(server.url, SMALL_MODELS_YAML, "  outage_pause_base_s: 0.5\n");
    try {
      await Deno.copyFile(
        new URL("../../plans/example_plan.md", import.meta.url),
        `${dir}/plans/example_plan.md`,
      );
      await using lao = await laoInTmux(dir, ["run", "--single-run"], { rows: 40 });
      const paused = await lao.waitForScreen(/LAO · .*paused/);
      assert.match(paused, /paused, next retry at \d\d:\d\d:\d\d \(model server unavailable\)/);
      assert.match(paused, /plan example_plan\.md/);
      assert.match(paused, /0\/2 tasks completed/);
      // The server comes back: the next retry goes through and the run finishes.
      server.setFaults();
      const screen = await lao.exited();
      assert.match(screen, /exit=0/);
      assert.match(screen, /2\/2 tasks completed/);
      assert.match(screen, /LAO run finished/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
