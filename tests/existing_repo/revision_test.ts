import assert from "node:assert/strict";
import { join } from "node:path";
import { runPipeline } from "../../src/pipeline/run.ts";
import type { ChatBody, Respond } from "../fake_server/server.ts";
import { harness } from "../pipeline/harness.ts";
import {
  KEYS,
  py,
  scriptedSession,
  type ScriptedTask,
  TEN_PLAN,
  TEN_TASKS,
} from "../pipeline/scripted.ts";

const K: ScriptedTask = {
  title: "Task k",
  file: "pkg/k.py",
  content: py("k"),
  dependencies: ["Task a"],
};

function userText(body: ChatBody): string {
  return (body.messages ?? []).filter((m) => m.role === "user").map((m) => String(m.content)).join(
    "\n",
  );
}

Deno.test("a revision adding a section to a finished 10-task plan codes only the new task", async () => {
  const all = scriptedSession([...TEN_TASKS, K]);
  const first = scriptedSession(TEN_TASKS);
  const plannerAsks: string[] = [];
  const respond: Respond = (body, ctx) => {
    if (String(body.model) === KEYS.planner) {
      const text = userText(body);
      plannerAsks.push(text);
      if (!text.includes("Task k")) return first(body, ctx);
      return {
        content: JSON.stringify([{
          title: K.title,
          description: `Implement ${K.file}: ${K.title}.`,
          file_paths: [K.file],
          dependencies: ["Task a"],
          deliverable_ids: [],
          phase: null,
        }]),
      };
    }
    return all(body, ctx);
  };
  await using h = await harness(respond);
  await h.addPlan("ten.md", TEN_PLAN);
  await runPipeline(h.deps, { singleRun: true });
  assert.equal(h.store.listTasks().filter((t) => t.status === "completed").length, 10);
  const coderCallsBefore =
    h.server.requests.filter((r) => (r.body as ChatBody)?.model === KEYS.coder).length;

  await h.addPlan("ten.md", `${TEN_PLAN}\n## More\n\n- Task k: pkg/k.py\n`);
  await runPipeline(h.deps, { singleRun: true });

  const revision = h.store.listPlans().at(-1)!;
  assert.equal(revision.status, "completed");
  const tasks = h.store.listTasks(revision.id);
  assert.equal(tasks.length, 11);
  assert.ok(tasks.every((t) => t.status === "completed"));
  assert.deepEqual(h.store.revisionCounts(revision.id), { kept: 10, new: 1, cancelled: 0 });
  const k = tasks.find((t) => t.title === "Task k")!;
  const a = tasks.find((t) => t.title === "Task a")!;
  assert.deepEqual(k.dependencies, [a.id], "the new task depends on the kept one");
  // The architect saw only the new section, with the kept tasks as context.
  const last = plannerAsks.at(-1)!;
  assert.match(last, /Tasks that exist already/);
  assert.doesNotMatch(last.split("## The plan to decompose now")[1] ?? "", /Task b: pkg\/b\.py/);
  // Only Task k was coded in the second run.
  const coderPrompts = h.server.requests.filter((r) => (r.body as ChatBody)?.model === KEYS.coder)
    .slice(coderCallsBefore).map((r) => userText(r.body as ChatBody));
  assert.ok(coderPrompts.length > 0);
  const coded = coderPrompts.flatMap((p) => /## Task: ([^\n]*)/.exec(p)?.[1] ?? []);
  assert.deepEqual([...new Set(coded)], ["Task k"], "no kept task was re-coded");
  assert.equal(await Deno.readTextFile(join(h.dir, "ten", "pkg/k.py")), py("k"));
});

Deno.test("removing a section cancels its unfinished tasks; --redecompose redoes the whole plan", async () => {
  const tasks: ScriptedTask[] = [
    { title: "Task a", file: "a.py", content: py("a") },
    { title: "Task b", file: "b.py", content: py("b") },
  ];
  await using h = await harness(scriptedSession(tasks));
  const path = await h.addPlan(
    "two.md",
    "# Two\n\n## Alpha\n\n- Task a: a.py\n\n## Beta\n\n- Task b: b.py\n",
  );
  await runPipeline(h.deps, { singleRun: true, architectOnly: true });
  const v1 = h.store.listPlans()[0]!;
  const byTitle = Object.fromEntries(h.store.listTasks(v1.id).map((t) => [t.title, t]));
  assert.notEqual(byTitle["Task a"]!.section_hash, byTitle["Task b"]!.section_hash);

  await h.addPlan("two.md", "# Two\n\n## Alpha\n\n- Task a: a.py\n");
  await runPipeline(h.deps, { singleRun: true, architectOnly: true });
  const v2 = h.store.listPlans().at(-1)!;
  assert.equal(v2.revision_of, v1.id);
  assert.deepEqual(
    h.store.listTasks(v2.id).map((t) => [t.title, t.status]),
    [["Task a", "pending"], ["Task b", "cancelled"]],
  );
  assert.deepEqual(h.store.revisionCounts(v2.id), { kept: 1, new: 0, cancelled: 1 });

  await runPipeline(h.deps, {
    singleRun: true,
    architectOnly: true,
    planPath: path,
    redecompose: true,
  });
  const redone = h.store.listTasks(v2.id);
  assert.equal(redone.filter((t) => t.status === "pending").length, 2, "decomposed again");
  assert.equal(redone.filter((t) => t.status === "cancelled").length, 2);
});
