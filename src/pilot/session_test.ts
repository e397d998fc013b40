import assert from "node:assert/strict";
import type { LaoEvent } from "../events/types.ts";
import { InterruptedError } from "../errors.ts";
import type { ChatMessage, ChatResult, ToolCall } from "../llm/types.ts";
import { BAILOUT_TEXT, fitTranscript, MAX_ROUNDS, MAX_ROUNDS_TEXT, RESUME_TEXT } from "./loop.ts";
import { type PilotPorts, PilotSession } from "./session.ts";

type Step = { content?: string; calls?: { name: string; args?: object }[] } | "throw-abort";

function reply(step: Exclude<Step, "throw-abort">, n: number): ChatResult {
  const toolCalls: ToolCall[] = (step.calls ?? []).map((c, i) => ({
    id: `c${n}_${i}`,
    name: c.name,
    arguments: JSON.stringify(c.args ?? {}),
  }));
  return {
    content: step.content ?? "",
    reasoning: "",
    toolCalls,
    finishReason: toolCalls.length ? "tool_calls" : "stop",
    usage: { promptTokens: 10, completionTokens: 2 },
    seconds: 0,
  };
}

function harness(script: Step[], opts: { toolOk?: (name: string, n: number) => boolean } = {}) {
  const events: LaoEvent[] = [];
  const saved: ChatMessage[] = [];
  const sent: ChatMessage[][] = [];
  const used: string[] = [];
  const toolsRun: string[] = [];
  let calls = 0;
  // deno-lint-ignore prefer-const
  let session!: PilotSession;
  const ports: PilotPorts = {
    chat: (messages) => {
      sent.push(messages);
      const step = script[calls++];
      if (step === undefined) throw new Error("model asked more often than scripted");
      if (step === "throw-abort") return Promise.reject(new InterruptedError("cancelled"));
      return Promise.resolve(reply(step, calls));
    },
    runTool: (name) => {
      toolsRun.push(name);
      if (name === "resume_pipeline") session.requestResume();
      const ok = opts.toolOk?.(name, toolsRun.length) ?? true;
      return Promise.resolve(
        ok ? { ok, output: `done ${name}` } : { ok, output: "ERROR: no such file" },
      );
    },
    tools: () => [],
    emit: (e) => events.push(e),
    estimate: (m) => Math.ceil((m.content ?? "").length / 4) + 4,
    budgetTokens: 100_000,
    systemPrompt: () => Promise.resolve("system ## Current Context Workspace: /w"),
    status: () => "## Pipeline Status\nNo tasks in queue.",
    gates: () => "## Gate summary",
    projects: {
      list: () => Promise.resolve("1 project"),
      scan: () => Promise.resolve("Found 0 project(s)."),
      use: (x) => {
        used.push(x);
        return Promise.resolve(`Switched to project ${x}.`);
      },
      status: () => Promise.resolve("status"),
    },
    save: (m) => saved.push(m),
    fallback: () => "I wasn't able to complete that request.",
  };
  session = new PilotSession(ports);
  const shown = (role: string) =>
    events.flatMap((e) => e.type === "pilot.message" && e.role === role ? [e.text] : []);
  return { session, events, saved, sent, used, toolsRun, shown, calls: () => calls };
}

const signal = new AbortController().signal;

Deno.test("slash commands: exit, resume and their aliases; blank lines and end of input", async () => {
  const h = harness([]);
  for (const c of ["/exit", "/quit", "/EXIT"]) {
    assert.equal(await h.session.handle(c, signal), "exit");
  }
  for (const c of ["/resume", "/continue", "/go"]) {
    assert.equal(await h.session.handle(c, signal), "resume");
  }
  assert.equal(await h.session.handle("   ", signal), "continue");
  assert.equal(await h.session.handle(null, signal), "exit");
  assert.equal(h.calls(), 0);
  assert.deepEqual(h.events, []);
});

Deno.test("/help, /status, /gates, /project and /clear answer without the model", async () => {
  const h = harness([{ content: "hello" }]);
  await h.session.handle("hi", signal);
  assert.equal(h.session.history.length, 2);
  await h.session.handle("/help", signal);
  await h.session.handle("/status", signal);
  await h.session.handle("/gates", signal);
  await h.session.handle("/project list", signal);
  await h.session.handle("/project bogus", signal);
  await h.session.handle("/clear", signal);
  const info = h.shown("info");
  assert.match(info[0]!, /\/status/);
  assert.match(info[0]!, /\/resume/);
  assert.match(info[1]!, /Pipeline Status/);
  assert.match(info[2]!, /Gate summary/);
  assert.equal(info[3], "1 project");
  assert.match(info[4]!, /Unknown \/project sub-command/);
  assert.equal(info.filter((t) => /cleared/.test(t)).length, 1);
  assert.equal(h.session.history.length, 0);
  assert.equal(h.calls(), 1);
});

Deno.test("absolute paths and unknown /words are chat text for the model", async () => {
  const h = harness([{ content: "a" }, { content: "b" }, { content: "c" }]);
  for (const t of ["/foobar", "/Users/me/app", "/tmp/x has a bug"]) {
    assert.equal(await h.session.handle(t, signal), "continue");
  }
  assert.equal(h.calls(), 3);
  assert.deepEqual(h.shown("assistant"), ["a", "b", "c"]);
  assert.deepEqual(h.used, ["/Users/me/app", "/tmp/x"]); // paths are switch candidates
});

Deno.test("an ordinary request never switches project; a named one does", async () => {
  const h = harness([{ content: "ok" }, { content: "ok" }]);
  await h.session.handle("create a plan for auth", signal);
  assert.deepEqual(h.used, []);
  await h.session.handle("resume the myapp project", signal);
  assert.deepEqual(h.used, ["myapp"]);
  assert.ok(h.shown("info").includes("Switched to project myapp."));
});

Deno.test("a tool round: the call, its result and the final answer are saved in order", async () => {
  const h = harness([{ calls: [{ name: "file_read", args: { path: "a.ts" } }] }, {
    content: "It says hi.",
  }]);
  await h.session.handle("what is in a.ts?", signal);
  assert.deepEqual(h.saved.map((m) => m.role), ["user", "assistant", "tool", "assistant"]);
  const call = h.saved[1]!;
  assert.ok(call.role === "assistant" && call.tool_calls?.[0]?.function.name === "file_read");
  const toolEvent = h.events.find((e) => e.type === "tool.call");
  assert.ok(toolEvent?.type === "tool.call" && toolEvent.tool === "file_read" && toolEvent.ok);
  assert.deepEqual(h.shown("assistant"), ["It says hi."]);
  // The next turn sees only the chat, not the tool transcript.
  assert.deepEqual(h.session.history.map((m) => m.role), ["user", "assistant"]);
});

Deno.test("four failing tool calls in a row end the turn with the bailout", async () => {
  const bad = { calls: [{ name: "file_read", args: { path: "nope" } }] };
  const h = harness([bad, bad, bad, bad, { content: "never" }], { toolOk: () => false });
  await h.session.handle("read nope", signal);
  assert.equal(h.calls(), 4);
  assert.deepEqual(h.shown("assistant"), [BAILOUT_TEXT]);
});

Deno.test("three errors then a success do not bail and the answer comes through", async () => {
  const call = { calls: [{ name: "file_read", args: { path: "x" } }] };
  const h = harness([call, call, call, call, { content: "found it" }], {
    toolOk: (_name, n) => n === 4,
  });
  await h.session.handle("find x", signal);
  assert.deepEqual(h.shown("assistant"), ["found it"]);
});

Deno.test("the round cap ends a turn that only calls tools", async () => {
  const call = { calls: [{ name: "list_dir" }] };
  const h = harness(Array.from({ length: MAX_ROUNDS + 1 }, () => call));
  await h.session.handle("loop forever", signal);
  assert.equal(h.calls(), MAX_ROUNDS);
  assert.deepEqual(h.shown("assistant"), [MAX_ROUNDS_TEXT]);
});

Deno.test("resume_pipeline hands over right after the call", async () => {
  const h = harness([{ calls: [{ name: "resume_pipeline" }, { name: "file_read" }] }]);
  assert.equal(await h.session.handle("go on", signal), "resume");
  assert.deepEqual(h.toolsRun, ["resume_pipeline"]);
  assert.deepEqual(h.shown("assistant"), [RESUME_TEXT]);
});

Deno.test("an empty answer gets the fallback; a cancelled call returns to the prompt", async () => {
  const h = harness([{ content: "" }, "throw-abort"]);
  await h.session.handle("hm", signal);
  assert.deepEqual(h.shown("assistant"), ["I wasn't able to complete that request."]);
  assert.equal(await h.session.handle("slow one", signal), "continue");
  assert.ok(h.shown("info").includes("Cancelled."));
});

Deno.test("the transcript stays inside the token budget: old chat goes first, the request stays", () => {
  const est = (m: ChatMessage) => (m.content ?? "").length;
  const system: ChatMessage = { role: "system", content: "s".repeat(10) };
  const history: ChatMessage[] = [
    { role: "user", content: "old question ".repeat(10) },
    { role: "assistant", content: "old answer ".repeat(10) },
    { role: "user", content: "recent" },
    { role: "assistant", content: "reply" },
  ];
  const turn: ChatMessage[] = [{ role: "user", content: "now" }];
  const fitted = fitTranscript(system, history, turn, 40, est);
  assert.deepEqual(fitted.map((m) => m.content), ["s".repeat(10), "recent", "reply", "now"]);
  const all = fitTranscript(system, history, turn, 100_000, est);
  assert.equal(all.length, 6);
});

Deno.test("a plain reply is one model call and one answer; the model's context names the workspace", async () => {
  const h = harness([{ content: "Hello there." }]);
  assert.equal(await h.session.handle("hello", signal), "continue");
  assert.equal(h.calls(), 1);
  assert.deepEqual(h.shown("assistant"), ["Hello there."]);
  assert.deepEqual(h.shown("user"), ["hello"]);
  assert.equal(h.events.filter((e) => e.type === "tool.call").length, 0);
  const system = h.sent[0]![0]!;
  assert.equal(system.role, "system");
  assert.match(system.content ?? "", /Workspace: /);
  assert.deepEqual(h.saved.map((m) => [m.role, m.content]), [
    ["user", "hello"],
    ["assistant", "Hello there."],
  ]);
});
