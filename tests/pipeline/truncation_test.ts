/**
 * End to end: answers cut off at `max_tokens` (`finish_reason: "length"`)
 * lead to a smaller next step, never to a loop, an executed half call, or a
 * history the server rejects. The coder's responder plays llama-server's chat
 * template: invalid JSON in an assistant message's `arguments` gets its 500.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Config } from "../../src/config/schema.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import type { ChatBody, Reply } from "../fake_server/server.ts";
import { harness } from "./harness.ts";
import { KEYS, scriptedSession, type ScriptedTask } from "./scripted.ts";

type Message = { role: string; content?: unknown; tool_calls?: unknown };

/** llama-server's 500 when the history holds arguments its template cannot parse. */
function templateError(body: ChatBody): Reply | undefined {
  for (const m of (body.messages ?? []) as Message[]) {
    const calls = Array.isArray(m.tool_calls) ? m.tool_calls : [];
    for (const c of calls as { function?: { arguments?: string } }[]) {
      try {
        JSON.parse(c.function?.arguments ?? "");
      } catch {
        return {
          error: {
            status: 500,
            body: {
              error: {
                code: 500,
                message:
                  "Failed to parse tool call arguments as JSON: [json.exception.parse_error.101]",
                type: "server_error",
              },
            },
          },
        };
      }
    }
  }
  return undefined;
}

const lastText = (body: ChatBody) => String((body.messages ?? []).at(-1)?.content ?? "");

/** Commits are not what a cut-off answer reaches: no git in these runs. */
const noGit = (c: Config) => {
  c.git.enabled = false;
};

/** JavaScript, checked in-process: what a cut-off answer reaches is not the language. */
const js = (name: string) => `export function ${name}() {\n  return "${name}";\n}\n`;

const TASK: ScriptedTask = { title: "Big file", file: "big.js", content: js("big") };

function coderRequests(h: { server: { requests: { path: string; body: unknown }[] } }) {
  return h.server.requests.filter((r) =>
    r.path === "/v1/chat/completions" && (r.body as ChatBody).model === KEYS.coder
  ).map((r) => r.body as ChatBody);
}

for (
  const [label, cut] of [
    [
      "mid-tool-call",
      {
        toolCalls: [{
          name: "file_write",
          arguments: '{"path": "big.js", "content": "export function big() {\\n  re',
        }],
        finishReason: "length",
      },
    ],
    ["held back by the server's tool-call parser", { content: "", finishReason: "length" }],
  ] as const
) {
  Deno.test(`a coder answer cut off ${label} leads to a smaller retry, not a loop or a 500`, async () => {
    const base = scriptedSession([TASK]);
    let serverErrors = 0;
    await using h = await harness(
      (body, ctx): Reply => {
        if (body.model !== KEYS.coder) return base(body, ctx);
        const rejected = templateError(body);
        if (rejected) {
          serverErrors++;
          return rejected;
        }
        const last = (body.messages ?? []).at(-1)!;
        if (last.role === "tool") return { content: "Wrote big.js." };
        if (lastText(body).includes("cut off at max_tokens=")) {
          return {
            toolCalls: [{
              name: "file_write",
              arguments: { path: "big.js", content: TASK.content },
            }],
          };
        }
        return { ...cut, toolCalls: [...(cut.toolCalls ?? [])] };
      },
      noGit,
    );
    await h.addPlan("big.md", "# Big\n- big.js\n");
    await runPipeline(h.deps, { singleRun: true });

    const task = h.store.listTasks()[0]!;
    assert.deepEqual([task.status, task.attempt], ["completed", 0]);
    assert.equal(await Deno.readTextFile(join(h.dir, "big", "big.js")), TASK.content);
    assert.equal(serverErrors, 0);
    const requests = coderRequests(h);
    // Cut-off answer, smaller retry, summary: no retries of the cut answer at full cost.
    assert.equal(requests.length, 3);
    const note = lastText(requests[1]!);
    assert.match(note, new RegExp(`cut off at max_tokens=${h.config.models.coder.max_completion}`));
    assert.match(note, /file_patch/);
    // Nothing of the cut-off answer was run: the only write is the retry's.
    const writes = h.events.filter((e) => e.type === "tool.call" && e.tool === "file_write");
    assert.equal(writes.length, 1);
  });
}

Deno.test("a coder whose answers are always cut off stops after a few tries instead of looping", async () => {
  const base = scriptedSession([TASK]);
  let coderCalls = 0;
  await using h = await harness((body, ctx): Reply => {
    if (body.model !== KEYS.coder) return base(body, ctx);
    coderCalls++;
    return templateError(body) ??
      {
        toolCalls: [{ name: "file_write", arguments: '{"path": "big.js", "content": "x' }],
        finishReason: "length",
      };
  }, (c) => {
    noGit(c);
    c.orchestration.max_task_attempts = 1;
  });
  await h.addPlan("big.md", "# Big\n- big.js\n");
  await runPipeline(h.deps, { singleRun: true });
  const task = h.store.listTasks()[0]!;
  assert.equal(task.status, "failed");
  // Three cut-off answers in a row end the attempt; none of them was run or sent back invalid.
  assert.equal(coderCalls, 3);
  assert.match(task.coder_output ?? "", /3 answers in a row were cut off at max_tokens=\d+/);
});

Deno.test("a planner answer cut at max_tokens is continued, keeping the tasks received", async () => {
  const tasks: ScriptedTask[] = [
    { title: "First", file: "first.js", content: js("first") },
    { title: "Second", file: "second.js", content: js("second") },
  ];
  const base = scriptedSession(tasks);
  const task = (t: ScriptedTask) =>
    JSON.stringify({
      title: t.title,
      description: `Implement ${t.file}.`,
      file_paths: [t.file],
      dependencies: [],
    });
  const prompts: string[] = [];
  await using h = await harness(
    (body, ctx): Reply => {
      if (body.model !== KEYS.planner) return base(body, ctx);
      prompts.push(lastText(body));
      if (prompts.length === 1) {
        return {
          content: `[${task(tasks[0]!)}, {"title": "Second", "descr`,
          finishReason: "length",
        };
      }
      return { content: `[${task(tasks[1]!)}]` };
    },
    noGit,
  );
  await h.addPlan("two.md", "# Two\n- first.js\n- second.js\n");
  await runPipeline(h.deps, { singleRun: true });
  assert.deepEqual(h.store.listTasks().map((t) => [t.title, t.status]), [
    ["First", "completed"],
    ["Second", "completed"],
  ]);
  assert.equal(prompts.length, 2);
  assert.match(prompts[1]!, /cut off at max_tokens=\d+/);
  assert.match(prompts[1]!, /- First/);
});

Deno.test("a review cut at max_tokens before the verdict is asked again for the verdict only", async () => {
  const base = scriptedSession([TASK]);
  const asks: string[] = [];
  await using h = await harness(
    (body, ctx): Reply => {
      if (body.model !== KEYS.reviewer) return base(body, ctx);
      asks.push(lastText(body));
      if (asks.length === 1) {
        return {
          content: "",
          reasoning: "Let me think about every line...",
          finishReason: "length",
        };
      }
      return { content: '{"verdict": "APPROVED", "findings": [], "summary": "ok"}' };
    },
    noGit,
  );
  await h.addPlan("big.md", "# Big\n- big.js\n");
  await runPipeline(h.deps, { singleRun: true });
  assert.equal(h.store.listTasks()[0]!.status, "completed");
  assert.equal(asks.length, 2);
  assert.match(asks[1]!, /cut off at max_tokens=\d+ .*before the\s+verdict/s);
});
