/**
 * `lao pilot --plain` driven from a pipe against the fake server, the way a
 * script uses it: one request per line, `/status`, `/exit` (a process: a real
 * pipe into a real binary); the conversation saved and shown again by
 * `lao pilot --resume`, and `--json` events, in-process with the same text piped in.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { type ChatBody, type Reply, start } from "../fake_server/server.ts";
import { exampleProject, runLao } from "../lao_process.ts";
import { laoInProcess } from "../lao_in_process.ts";

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
