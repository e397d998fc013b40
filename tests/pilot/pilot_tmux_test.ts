/**
 * `lao pilot` on a terminal against the fake server: the pilot model writes
 * a plan with `create_plan`, `/status` shows it, `/resume` runs the pipeline
 * that completes it and comes back, and `lao pilot --resume` shows the
 * earlier conversation.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type ChatBody, type Reply, start } from "../fake_server/server.ts";
import { exampleProject } from "../lao_process.ts";
import { EXAMPLE_TASKS, scriptedSession } from "../pipeline/scripted.ts";
import { HAS_TMUX, TmuxLao } from "./tmux.ts";

/** A pilot request carries the pilot's own tools. */
function isPilot(body: ChatBody): boolean {
  const tools = (body as { tools?: { function?: { name?: string } }[] }).tools ?? [];
  return tools.some((t) => t.function?.name === "create_plan");
}

/** The pilot model: a plan request becomes a `create_plan` call, then one sentence. */
function pilotReply(body: ChatBody): Reply {
  const last = body.messages?.at(-1);
  if (last?.role === "tool") {
    return { content: `Plan written (${String(last.content).split("\n")[0]}). Type /resume.` };
  }
  if (/greeting/i.test(String(last?.content ?? ""))) {
    return {
      toolCalls: [{
        name: "create_plan",
        arguments: {
          title: "Greeting",
          content: "# Greeting\n\n- a greet(name) function\n- its unit tests\n",
        },
      }],
    };
  }
  return { content: "Ask me for a plan." };
}

/** The first file under `dir` whose path ends with `tail`. */
function findFile(dir: string, tail: string): string | undefined {
  for (const e of Deno.readDirSync(dir)) {
    const path = join(dir, e.name);
    if (e.isFile && path.endsWith(`/${tail}`)) return path;
    if (e.isDirectory && e.name !== ".git") {
      const hit = findFile(path, tail);
      if (hit) return hit;
    }
  }
  return undefined;
}

Deno.test({
  name: "pilot on a terminal: create_plan, /status, /resume completes it, --resume shows the chat",
  ignore: !HAS_TMUX,
  fn: async () => {
    const pipeline = scriptedSession(EXAMPLE_TASKS);
    await using server = await start({
      respond: (body, ctx) => isPilot(body) ? pilotReply(body) : pipeline(body, ctx),
    });
    const dir = await exampleProject(server.url, "orchestration:\n  retry_cooldown_base_s: 0\n");
    await Deno.remove(join(dir, "plans", "example_plan.md"));
    const home = await Deno.makeTempDir({ prefix: "lao_pilot_home_" });
    try {
      {
        await using lao = await TmuxLao.start(dir, ["pilot"], { HOME: home }, 60);
        await lao.waitFor(/\/help for commands/);
        await lao.waitFor(/❯ /);
        await lao.line("write a plan for a greeting module");
        await lao.waitFor(/✓ create_plan\(title=Greeting/);
        await lao.waitFor(/Pilot: Plan written \(OK: Created plan Greeting\.md/);
        assert.match(await Deno.readTextFile(join(dir, "plans", "Greeting.md")), /greet\(name\)/);
        await lao.waitFor(/❯ /, 2);
        await lao.line("/status");
        await lao.waitFor(/## Pipeline Status/);
        await lao.waitFor(/❯ /, 3);
        await lao.line("/resume");
        await lao.waitFor(/Pilot → Pipeline/);
        const back = await lao.waitFor(/Pipeline → Pilot \(the run ended with exit code (\d+)\)/);
        assert.match(back, /exit code 0\)/);
        await lao.waitFor(/❯ /, 4);
        await lao.line("/status");
        const status = await lao.waitFor(/Greeting\.md \[completed\] — 2\/2 done/);
        assert.match(status, /completed: 2/);
        await lao.line("/exit");
        const { code, screen } = await lao.exited();
        assert.equal(code, 0, screen);
      }
      const written = findFile(dir, join("greeting", "__init__.py"));
      assert.ok(written, "the coder's file is in the plan's workspace");
      assert.match(await Deno.readTextFile(written), /def greet/);
      {
        await using lao = await TmuxLao.start(dir, ["pilot", "--resume"], { HOME: home }, 60);
        const shown = await lao.waitFor(/\/help for commands/);
        assert.match(shown, /You: write a plan for a greeting module/);
        assert.match(shown, /Pilot: Plan written/);
        await lao.waitFor(/❯ /);
        await lao.line("/exit");
        const { code, screen } = await lao.exited();
        assert.equal(code, 0, screen);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(home, { recursive: true });
    }
  },
});
