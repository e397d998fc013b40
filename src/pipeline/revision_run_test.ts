/**
 * Plan revisions through `runPipeline` in-process on the fake pipeline: a new
 * section on a finished plan codes only its task (with the kept tasks as the
 * architect's context), a removed section cancels its unfinished tasks, and
 * `--redecompose` decomposes the whole plan again.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fakePipeline, type FakeTask, result } from "../../testing/fake_pipeline.ts";
import { runPipeline } from "./run.ts";
import { jsModule, TEN_FAKE_PLAN, TEN_FAKE_TASKS } from "../../testing/ten_tasks.ts";

const js = jsModule;
const TEN: FakeTask[] = [...TEN_FAKE_TASKS];
const TEN_PLAN = TEN_FAKE_PLAN;
const K: FakeTask = {
  title: "Task k",
  file: "pkg/k.js",
  content: js("k"),
  dependencies: ["Task a"],
};

const userText = (messages: { role: string; content: unknown }[]) =>
  messages.filter((m) => m.role === "user").map((m) => String(m.content)).join("\n");

Deno.test("a revision adding a section to a finished 10-task plan codes only the new task", async () => {
  await using f = await fakePipeline([...TEN, K], {
    hooks: {
      // The first decomposition knows the ten tasks; the revision's answers the new section with k.
      reply: (call) => {
        if (call.role !== "planner") return undefined;
        const asked = userText(call.request.messages);
        const tasks = asked.includes("Task k") ? [K] : TEN;
        return result(JSON.stringify(tasks.map((t) => ({
          title: t.title,
          description: `Implement ${t.file}: ${t.title}.`,
          file_paths: [t.file],
          dependencies: t.dependencies ?? [],
        }))));
      },
    },
  });
  await f.addPlan("ten.md", TEN_PLAN);
  await runPipeline(f.deps, { singleRun: true });
  assert.equal(f.store.listTasks().filter((t) => t.status === "completed").length, 10);
  const callsBefore = f.calls.length;

  await f.addPlan("ten.md", `${TEN_PLAN}\n## More\n\n- Task k: pkg/k.js\n`);
  await runPipeline(f.deps, { singleRun: true });

  const revision = f.store.listPlans().find((p) => p.revision_of)!;
  assert.equal(revision.status, "completed");
  const tasks = f.store.listTasks(revision.id);
  assert.equal(tasks.length, 11);
  assert.ok(tasks.every((t) => t.status === "completed"));
  assert.deepEqual(f.store.revisionCounts(revision.id), { kept: 10, new: 1, cancelled: 0 });
  const k = tasks.find((t) => t.title === "Task k")!;
  const a = tasks.find((t) => t.title === "Task a")!;
  assert.deepEqual(k.dependencies, [a.id], "the new task depends on the kept one");
  // The architect saw only the new section, with the kept tasks as context.
  const planner = f.calls.slice(callsBefore).filter((c) => c.role === "planner");
  const last = userText(planner.at(-1)!.request.messages);
  assert.match(last, /Tasks that exist already/);
  assert.doesNotMatch(last.split("## The plan to decompose now")[1] ?? "", /Task b: pkg\/b\.js/);
  // Only Task k was coded in the second run.
  const coded = f.calls.slice(callsBefore).filter((c) => c.role === "coder").map((c) => c.task);
  assert.ok(coded.length > 0);
  assert.deepEqual([...new Set(coded)], ["Task k"], "no kept task was re-coded");
  assert.equal(await f.workspace("ten").readText("pkg/k.js"), js("k"));
});

Deno.test("removing a section cancels its unfinished tasks; --redecompose redoes the whole plan", async () => {
  await using f = await fakePipeline([
    { title: "Task a", file: "a.js", content: js("a") },
    { title: "Task b", file: "b.js", content: js("b") },
  ], {
    hooks: {
      // The architect answers with the tasks of the sections it is shown.
      reply: (call) => {
        if (call.role !== "planner") return undefined;
        const plan = userText(call.request.messages).split("## The plan to decompose now").at(-1)!;
        const tasks = ["a", "b"].filter((x) => plan.includes(`Task ${x}: ${x}.js`));
        return result(JSON.stringify(tasks.map((x) => ({
          title: `Task ${x}`,
          description: `Implement ${x}.js.`,
          file_paths: [`${x}.js`],
          dependencies: [],
        }))));
      },
    },
  });
  await f.addPlan("two.md", "# Two\n\n## Alpha\n\n- Task a: a.js\n\n## Beta\n\n- Task b: b.js\n");
  const path = join(f.config.paths.plans, "two.md");
  await runPipeline(f.deps, { singleRun: true, architectOnly: true });
  const v1 = f.store.listPlans()[0]!;
  const byTitle = Object.fromEntries(f.store.listTasks(v1.id).map((t) => [t.title, t]));
  assert.notEqual(byTitle["Task a"]!.section_hash, byTitle["Task b"]!.section_hash);

  await f.addPlan("two.md", "# Two\n\n## Alpha\n\n- Task a: a.js\n");
  await runPipeline(f.deps, { singleRun: true, architectOnly: true });
  const v2 = f.store.listPlans().find((p) => p.revision_of)!;
  assert.equal(v2.revision_of, v1.id);
  assert.deepEqual(
    f.store.listTasks(v2.id).map((t) => [t.title, t.status]),
    [["Task a", "pending"], ["Task b", "cancelled"]],
  );
  assert.deepEqual(f.store.revisionCounts(v2.id), { kept: 1, new: 0, cancelled: 1 });

  await runPipeline(f.deps, {
    singleRun: true,
    architectOnly: true,
    planPath: path,
    redecompose: true,
  });
  const redone = f.store.listTasks(v2.id);
  assert.equal(redone.filter((t) => t.status === "pending").length, 1, "decomposed again");
  assert.equal(redone.filter((t) => t.status === "cancelled").length, 2);
});
