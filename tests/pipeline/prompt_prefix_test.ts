import assert from "node:assert/strict";
import { needsShell } from "../../src/agents/coder.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { harness } from "./harness.ts";
import { KEYS, scriptedSession, TEN_PLAN, TEN_TASKS } from "./scripted.ts";

interface Body {
  model: string;
  messages: { role: string; content: string | null }[];
  tools?: { function: { name: string } }[];
}

Deno.test("coder prompts carry what the step needs and keep a byte-stable prefix the server can cache", async () => {
  await using h = await harness(scriptedSession(TEN_TASKS));
  await h.addPlan("ten.md", TEN_PLAN);
  await runPipeline(h.deps, { singleRun: true });
  assert.ok(h.store.listTasks().every((t) => t.status === "completed"));
  const coder = h.server.requests
    .filter((r) => r.path === "/v1/chat/completions")
    .map((r) => r.body as Body)
    .filter((b) => b.model === KEYS.coder);
  assert.ok(coder.length >= 20);
  // A small workspace: no search tools; no shell in this harness.
  const names = coder[0]!.tools!.map((t) => t.function.name);
  assert.deepEqual(names, ["file_read", "file_write", "file_patch", "list_dir"]);
  // System prompt and tool list identical in every call of every task of the plan.
  const prefix = (b: Body) => JSON.stringify([b.messages[0], b.tools]);
  assert.equal(new Set(coder.map(prefix)).size, 1);
  // Within a task the transcript is appended: each call starts with the previous call's messages.
  for (let i = 1; i < coder.length; i++) {
    const prev = coder[i - 1]!.messages;
    const cur = coder[i]!.messages;
    if (cur[1]!.content !== prev[1]!.content) continue; // the next task
    assert.deepEqual(cur.slice(0, prev.length), prev);
  }
  // LAO's own files (plan snapshot, task list) are never shown as context.
  for (const b of coder) {
    assert.ok(!b.messages[1]!.content!.includes("### LAO_PLAN.md"));
    assert.ok(!b.messages[1]!.content!.includes("### LAO_TASKS.json"));
  }
});

Deno.test("shell_exec is offered only to tasks that ask to run something", () => {
  const task = (description: string, feedback: string | null = null) => ({
    title: "Parser",
    description,
    feedback,
  });
  assert.equal(needsShell(task("Implement parse() in src/parser.py.")), false);
  assert.equal(needsShell(task("Add unit tests for parse() and run them.")), true);
  assert.equal(needsShell(task("Implement parse().", "The tests fail: fix the edge case.")), true);
});
