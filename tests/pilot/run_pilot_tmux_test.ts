/**
 * `lao run` on a terminal hands over to the Pilot once the queue is idle,
 * `--pilot-only` goes straight to it, and `--single-run` never does.
 */
import assert from "node:assert/strict";
import { type ChatBody, start } from "../fake_server/server.ts";
import { exampleProject } from "../lao_process.ts";
import { EXAMPLE_TASKS, scriptedSession } from "../pipeline/scripted.ts";
import { HAS_TMUX, TmuxLao } from "./tmux.ts";

function isPilot(body: ChatBody): boolean {
  const tools = (body as { tools?: { function?: { name?: string } }[] }).tools ?? [];
  return tools.some((t) => t.function?.name === "create_plan");
}

Deno.test({
  name: "lao run on a terminal completes the queue, then enters the Pilot; /exit leaves with 0",
  ignore: !HAS_TMUX,
  fn: async () => {
    const pipeline = scriptedSession(EXAMPLE_TASKS);
    await using server = await start({
      respond: (body, ctx) => isPilot(body) ? { content: "hi" } : pipeline(body, ctx),
    });
    const dir = await exampleProject(server.url, "orchestration:\n  retry_cooldown_base_s: 0\n");
    const home = await Deno.makeTempDir({ prefix: "lao_run_pilot_home_" });
    try {
      await using lao = await TmuxLao.start(dir, ["run"], { HOME: home }, 60);
      const screen = await lao.waitFor(/Queue idle → Pilot/);
      assert.match(screen, /completed 2 · failed 0/);
      await lao.waitFor(/\/help for commands/);
      await lao.waitFor(/❯ /);
      await lao.line("/status");
      await lao.waitFor(/example_plan\.md \[completed\] — 2\/2 done/);
      await lao.line("/exit");
      const end = await lao.exited();
      assert.equal(end.code, 0, end.screen);
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "lao run --pilot-only starts the Pilot without running the queue; --single-run never enters it",
  ignore: !HAS_TMUX,
  fn: async () => {
    const pipeline = scriptedSession(EXAMPLE_TASKS);
    await using server = await start({
      respond: (body, ctx) => isPilot(body) ? { content: "hi" } : pipeline(body, ctx),
    });
    const dir = await exampleProject(server.url, "orchestration:\n  retry_cooldown_base_s: 0\n");
    const home = await Deno.makeTempDir({ prefix: "lao_run_pilot_home_" });
    try {
      {
        await using lao = await TmuxLao.start(dir, ["run", "--pilot-only"], { HOME: home }, 60);
        await lao.waitFor(/\/help for commands/);
        await lao.waitFor(/❯ /);
        await lao.line("/status");
        const status = await lao.waitFor(/## Pipeline Status/);
        assert.doesNotMatch(status, /\[completed\]/);
        await lao.line("/exit");
        const end = await lao.exited();
        assert.equal(end.code, 0, end.screen);
      }
      {
        await using lao = await TmuxLao.start(dir, ["run", "--single-run"], { HOME: home }, 60);
        const end = await lao.exited();
        assert.equal(end.code, 0, end.screen);
        assert.match(end.screen, /completed 2 · failed 0/);
        assert.doesNotMatch(end.screen, /Pilot/);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(home, { recursive: true });
    }
  },
});
