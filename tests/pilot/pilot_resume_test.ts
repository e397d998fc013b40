/**
 * `/resume` from Pilot runs the pipeline on the queue (its own model swaps)
 * and comes back; `lao configure-models --role --key` keeps the comments.
 * In-process, with the Pilot's input piped in (a pipe into a real `lao pilot`
 * process is `pilot_pipe_test.ts`).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type ChatBody, start } from "../fake_server/server.ts";
import { exampleProject } from "../lao_process.ts";
import { laoInProcess } from "../lao_in_process.ts";
import { EXAMPLE_TASKS, scriptedSession } from "../pipeline/scripted.ts";

function isPilot(body: ChatBody): boolean {
  const tools = (body as { tools?: { function?: { name?: string } }[] }).tools ?? [];
  return tools.some((t) => t.function?.name === "create_plan");
}

Deno.test("pilot /resume runs the pipeline to the end, then /status shows the completed tasks", async () => {
  const pipeline = scriptedSession(EXAMPLE_TASKS);
  await using server = await start({
    respond: (body, ctx) => isPilot(body) ? { content: "ready" } : pipeline(body, ctx),
  });
  const dir = await exampleProject(server.url, "orchestration:\n  retry_cooldown_base_s: 0\n");
  try {
    const r = await laoInProcess(dir, ["pilot", "--plain"], { stdin: "/resume\n/status\n/exit\n" });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Pilot → Pipeline/);
    assert.match(r.stdout, /Pipeline → Pilot \(the run ended with exit code 0\)/);
    assert.match(r.stdout, /completed: 2/);
    assert.match(r.stdout, /example_plan\.md \[completed\] — 2\/2 done/);
    const loads = server.requests.filter((q) => /models\/load$/.test(q.path)).length;
    assert.ok(loads >= 3, `pilot, then the pipeline's models: ${loads} loads`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lao configure-models --role --key changes one key and keeps the comments", async () => {
  await using server = await start({});
  const dir = await Deno.makeTempDir({ prefix: "lao_cm_" });
  try {
    const yaml =
      `# my settings, keep me\nlm_studio_base_url: ${server.url}\nmodels:\n  coder:\n    key: qwen/qwen3-coder-30b # the coder\n`;
    await Deno.writeTextFile(join(dir, "factory.yaml"), yaml);
    const r = await laoInProcess(dir, [
      "configure-models",
      "--role",
      "coder",
      "--key",
      "deepseek-r1-distill-qwen-32b",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      await Deno.readTextFile(join(dir, "factory.yaml")),
      yaml.replace("qwen/qwen3-coder-30b", "deepseek-r1-distill-qwen-32b"),
    );
    const bad = await laoInProcess(dir, ["configure-models", "--role", "nobody", "--key", "x"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--role: expected one of planner/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
