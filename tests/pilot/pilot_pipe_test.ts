/**
 * `lao pilot` as scripts and users drive it, against the fake server:
 * - from a pipe, the way a script uses it: one request per line, `/status`,
 *   `/exit` (a process: a real pipe into a real binary); the conversation saved
 *   and shown again by `lao pilot --resume`, and `--json` events;
 * - `/resume` runs the pipeline on the queue (its own model swaps) and comes
 *   back; `lao configure-models --role --key` keeps the comments;
 * - `/project use` switches the model server and the models too: the next
 *   answer comes from the other project's server.
 * Everything but the first conversation runs in-process with its input piped
 * in (`HOME`, the project registry, set for the command where it matters).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { type ChatBody, type Reply, start } from "../fake_server/server.ts";
import { exampleProject, runLao } from "../lao_process.ts";
import { laoInProcess } from "../lao_in_process.ts";
import { EXAMPLE_TASKS, scriptedSession } from "../pipeline/scripted.ts";

function isPilot(body: ChatBody): boolean {
  const tools = (body as { tools?: { function?: { name?: string } }[] }).tools ?? [];
  return tools.some((t) => t.function?.name === "create_plan");
}

function lastMessage(body: ChatBody): { role: string; content?: unknown } | undefined {
  return body.messages?.at(-1);
}

/** The pilot: a plan request becomes create_plan, then a short confirmation. */
function pilotScript(body: ChatBody): Reply {
  if (!isPilot(body)) return { content: "not scripted" };
  const last = lastMessage(body);
  if (last?.role === "tool") return { content: `Done: ${String(last.content).split("\n")[0]}` };
  const text = String(last?.content ?? "");
  if (/plan for auth/i.test(text)) {
    return {
      toolCalls: [{
        name: "create_plan",
        arguments: { title: "Auth Login", content: "# Auth login\n\n- add a login form\n" },
      }],
    };
  }
  return { content: `You said: ${text}` };
}

Deno.test("lao pilot --plain from a pipe: create_plan, /status, saved and resumable", async () => {
  await using server = await start({ respond: pilotScript });
  const dir = await exampleProject(server.url);
  try {
    const first = await runLao(dir, ["pilot", "--plain"], {
      stdin: "create a plan for auth\n/status\n/foobar is not a command\n/exit\n",
    });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /You: create a plan for auth/);
    assert.match(first.stdout, /✓ create_plan\(title=Auth Login/);
    assert.match(first.stdout, /Pilot: Done: OK: Created plan Auth_Login\.md/);
    assert.match(first.stdout, /## Pipeline Status/);
    assert.match(first.stdout, /Pilot: You said: \/foobar is not a command/);
    assert.match(await Deno.readTextFile(join(dir, "plans", "Auth_Login.md")), /add a login form/);
    // No "project for" switch on an ordinary request.
    assert.doesNotMatch(first.stdout + first.stderr, /Project 'for'|"for" not found/);

    const db = new DatabaseSync(join(dir, ".lao", "state.db"), { readOnly: true });
    const rows = db.prepare(`SELECT role, tool_calls FROM pilot_messages ORDER BY id`).all() as {
      role: string;
      tool_calls: string | null;
    }[];
    db.close();
    assert.deepEqual(rows.map((r) => r.role), [
      "user",
      "assistant",
      "tool",
      "assistant",
      "user",
      "assistant",
    ]);
    assert.match(rows[1]!.tool_calls ?? "", /create_plan/);

    const again = await laoInProcess(dir, ["pilot", "--plain", "--resume"], { stdin: "/exit\n" });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /You: create a plan for auth/);
    assert.match(again.stdout, /Pilot: Done: OK: Created plan/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lao pilot --json prints one JSON event per line", async () => {
  await using server = await start({ respond: pilotScript });
  const dir = await exampleProject(server.url);
  try {
    const r = await laoInProcess(dir, ["pilot", "--json"], { stdin: "hello there\n" });
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.ok(events.every((e) => e.v === 1 && typeof e.type === "string"));
    const said = events.filter((e) => e.type === "pilot.message" && e.role === "assistant");
    assert.deepEqual(said.map((e) => e.text), ["You said: hello there"]);
    assert.ok(events.some((e) => e.type === "llm.call" && e.role === "pilot"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

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

function lastText(body: ChatBody): string {
  return String(body.messages?.at(-1)?.content ?? "");
}

Deno.test("after /project use the pilot talks to the new project's server", async () => {
  await using first = await start({ respond: (b) => ({ content: `first: ${lastText(b)}` }) });
  await using second = await start({ respond: (b) => ({ content: `second: ${lastText(b)}` }) });
  const a = await exampleProject(first.url);
  const b = await exampleProject(second.url);
  const home = await Deno.makeTempDir({ prefix: "lao_switch_home_" });
  try {
    const r = await laoInProcess(a, ["pilot", "--plain"], {
      env: { HOME: home },
      stdin: `hello\n/project use ${b}\nhello again\n/exit\n`,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Pilot: first: hello/);
    assert.match(r.stdout, new RegExp(`Switched to project .*pilot model .* at ${second.url}`));
    assert.match(r.stdout, /Pilot: second: hello again/);
    const chats = (s: typeof first) =>
      s.requests.filter((q) => q.path.endsWith("/chat/completions")).length;
    assert.equal(chats(first), 1);
    assert.equal(chats(second), 1);
  } finally {
    for (const d of [a, b, home]) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("a switch to a broken project changes nothing; after a good switch the file tools read the new project", async () => {
  await using first = await start({ respond: (b) => ({ content: `first: ${lastText(b)}` }) });
  await using second = await start({
    respond: (b) => {
      const last = b.messages?.at(-1);
      if (last?.role === "tool") return { content: `read: ${String(last.content).trim()}` };
      return { toolCalls: [{ name: "file_read", arguments: { path: "marker.txt" } }] };
    },
  });
  const a = await exampleProject(first.url);
  const b = await exampleProject(second.url);
  await Deno.writeTextFile(`${b}/marker.txt`, "this is project b\n");
  const broken = await Deno.makeTempDir({ prefix: "lao_switch_broken_" });
  await Deno.writeTextFile(`${broken}/factory.yaml`, "models: [unclosed\n");
  const home = await Deno.makeTempDir({ prefix: "lao_switch_home_" });
  try {
    const r = await laoInProcess(a, ["pilot", "--plain"], {
      env: { HOME: home },
      stdin: `/project use ${broken}\nhello\n/project use ${b}\nwhat does marker.txt say?\n/exit\n`,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Cannot switch to lao_switch_broken_\w+: /);
    assert.match(r.stdout, /Pilot: first: hello/);
    assert.match(r.stdout, /Switched to project /);
    assert.match(r.stdout, /Pilot: read: .*this is project b/);
    assert.doesNotMatch(r.stdout + r.stderr, /internal error|Failed to switch/);
  } finally {
    for (const d of [a, b, broken, home]) await Deno.remove(d, { recursive: true });
  }
});
