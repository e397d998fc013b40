/**
 * Plans through `runPipeline` in-process on the fake pipeline: dependency
 * shapes, failures that block dependents, the architect's answer repaired or
 * unwrapped, `--plan`, `--architect-only`, `--plan-phase`, revisions, a plan
 * copied under another name, and coders whose tool calls arrive as text. The
 * same journeys over real ports and the HTTP fake (outages on the wire,
 * reports on disk, the Python gate) are `tests/pipeline/plans_test.ts`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fakePipeline, type FakeTask, result } from "../../testing/fake_pipeline.ts";
import { runPipeline } from "./run.ts";
import { jsModule, TEN_FAKE_PLAN, TEN_FAKE_TASKS } from "../../testing/ten_tasks.ts";

const js = jsModule;
const TEN: FakeTask[] = [...TEN_FAKE_TASKS];
const TEN_PLAN = TEN_FAKE_PLAN;

Deno.test("a 10-task plan with a chain, two branches and a rejected-then-approved task completes", async () => {
  await using f = await fakePipeline(TEN);
  await f.addPlan("ten.md", TEN_PLAN);
  const run = await runPipeline(f.deps, { singleRun: true });
  const tasks = f.store.listTasks();
  assert.equal(tasks.length, 10);
  assert.deepEqual(tasks.filter((t) => t.status !== "completed").map((t) => t.title), []);
  const j = tasks.find((t) => t.title === "Task j")!;
  assert.equal(j.attempt, 1);
  assert.equal(f.reviews.get("Task j"), 2);
  // Findings history is kept per attempt: the first review's finding is still there.
  assert.equal(f.store.findings(j.id, 0).filter((x) => x.source === "reviewer").length, 1);
  for (const t of TEN) assert.equal(await f.workspace("ten").readText(t.file), t.content);
  const loads = run.loadsPerPlan["ten.md"]!;
  // Depth 4 with three distinct models: planner + 4 × (coder + reviewer) = 9; the rework adds a round.
  assert.equal(loads.lowerBound, 9);
  assert.ok(
    loads.loads <= loads.lowerBound + 2,
    `loads ${loads.loads} vs bound ${loads.lowerBound}`,
  );
  assert.equal(f.store.getPlan(run.plans[0]!.id)!.status, "completed");
});

Deno.test("a failing dependency fails its dependents with the reason", async () => {
  let reviews = 0;
  await using f = await fakePipeline([
    { title: "Base", file: "base.js", content: js("base"), rejectTimes: 99 },
    { title: "Middle", file: "middle.js", content: js("middle"), dependencies: ["Base"] },
    { title: "Top", file: "top.js", content: js("top"), dependencies: ["Middle"] },
    { title: "Other", file: "other.js", content: js("other") },
  ], {
    hooks: {
      // Each rejection of Base is a new finding, so the attempts run out (not the no-progress rule).
      reply: (call) =>
        call.role === "reviewer" && call.task === "Base"
          ? result(JSON.stringify({
            verdict: "REJECTED",
            findings: [{
              severity: "major",
              file_path: "base.js",
              issue_class: "missing_behaviour",
              message: `review ${++reviews}: edge case not handled`,
              fix_hint: "handle it",
            }],
            summary: "needs work",
          }))
          : undefined,
    },
  });
  await f.addPlan("deps.md", "# Deps\n- base\n- middle\n- top\n- other\n");
  const run = await runPipeline(f.deps, { singleRun: true });
  const byTitle = Object.fromEntries(f.store.listTasks().map((t) => [t.title, t]));
  assert.deepEqual(
    [byTitle.Base!.status, byTitle.Base!.escalation_reason, byTitle.Base!.attempt],
    ["failed", "max_attempts_reached", 2],
  );
  assert.equal(byTitle.Middle!.status, "failed");
  assert.equal(byTitle.Middle!.feedback, "Blocked by failed dependencies: Base");
  assert.equal(byTitle.Top!.status, "failed");
  assert.equal(byTitle.Top!.feedback, "Blocked by failed dependencies: Middle");
  assert.equal(byTitle.Other!.status, "completed");
  assert.equal(f.store.getPlan(run.plans[0]!.id)!.status, "active");
});

const ONLY: FakeTask[] = [{ title: "Only task", file: "only.js", content: js("only") }];

Deno.test("an architect reply that is malformed once is repaired and the plan completes", async () => {
  let planned = 0;
  await using f = await fakePipeline(ONLY, {
    hooks: {
      reply: (call) =>
        call.role === "planner" && ++planned === 1
          ? result(`Here are the tasks:\n[{"title": "Only task", "description": `)
          : undefined,
    },
  });
  await f.addPlan("repair.md", "# Repair\n- only.js\n");
  await runPipeline(f.deps, { singleRun: true });
  assert.deepEqual(f.store.listTasks().map((t) => [t.title, t.status]), [[
    "Only task",
    "completed",
  ]]);
  const planner = f.calls.filter((c) => c.role === "planner");
  assert.equal(planner.length, 2);
  const repairTurn = planner[1]!.request.messages.at(-1)!;
  assert.equal(repairTurn.role, "user");
  assert.match(String(repairTurn.content), /cut off|Task\[0\]|JSON/);
});

Deno.test("prose, fences and think tags around the architect's JSON are read without a repair turn", async () => {
  const json = JSON.stringify([{
    title: "Only task",
    description: "Implement only.js.",
    file_paths: ["only.js"],
    dependencies: [],
  }]);
  await using f = await fakePipeline(ONLY, {
    hooks: {
      reply: (call) =>
        call.role === "planner"
          ? result(
            `<think>Let me split the plan.</think>Sure! Here is the plan:\n\`\`\`json\n${json}\n\`\`\`\nHope this helps.`,
          )
          : undefined,
    },
  });
  await f.addPlan("chatty.md", "# Chatty\n- only.js\n");
  await runPipeline(f.deps, { singleRun: true });
  assert.deepEqual(f.store.listTasks().map((t) => t.status), ["completed"]);
  assert.equal(f.calls.filter((c) => c.role === "planner").length, 1);
});

Deno.test("phase_gated: false finishes the queue and returns", async () => {
  await using f = await fakePipeline([
    { title: "One", file: "one.js", content: js("one") },
    { title: "Two", file: "two.js", content: js("two"), dependencies: ["One"] },
  ], {
    tune: (c) => {
      c.orchestration.phase_gated = false;
    },
  });
  await f.addPlan("ungated.md", "# Ungated\n- one\n- two\n");
  await runPipeline(f.deps, { singleRun: true });
  assert.deepEqual(f.store.listTasks().map((t) => t.status), ["completed", "completed"]);
});

Deno.test("--plan restricts the run to that plan and --architect-only stops after decomposition", async () => {
  await using f = await fakePipeline([
    { title: "Alpha", file: "alpha.js", content: js("alpha") },
    { title: "Beta", file: "beta.js", content: js("beta") },
  ], {
    hooks: {
      // The planner answers each plan with its own task.
      reply: (call) => {
        if (call.role !== "planner") return undefined;
        const beta = JSON.stringify(call.request.messages).includes("beta");
        const name = beta ? "beta" : "alpha";
        return result(JSON.stringify([{
          title: beta ? "Beta" : "Alpha",
          description: `Implement ${name}.js.`,
          file_paths: [`${name}.js`],
          dependencies: [],
        }]));
      },
    },
  });
  await f.addPlan("alpha.md", "# Alpha\n- alpha.js\n");
  await f.addPlan("beta.md", "# Beta\n- beta.js\n");
  const alpha = join(f.config.paths.plans, "alpha.md");
  await runPipeline(f.deps, { planPath: alpha, singleRun: true, architectOnly: true });
  assert.deepEqual(f.store.listPlans().map((p) => p.filename), ["alpha.md"]);
  assert.deepEqual(f.store.listTasks().map((t) => [t.title, t.status]), [["Alpha", "pending"]]);
  await runPipeline(f.deps, { planPath: alpha, singleRun: true });
  assert.deepEqual(f.store.listTasks().map((t) => [t.title, t.status]), [["Alpha", "completed"]]);
  await runPipeline(f.deps, { singleRun: true });
  assert.deepEqual(f.store.listTasks().map((t) => [t.title, t.status]), [
    ["Alpha", "completed"],
    ["Beta", "completed"],
  ]);
});

Deno.test("an edited plan becomes a new revision: the removed section's pending task is cancelled, never coded", async () => {
  await using f = await fakePipeline([
    { title: "Old", file: "old.js", content: js("old") },
    { title: "New", file: "new.js", content: js("new") },
  ], {
    hooks: {
      reply: (call) => {
        if (call.role !== "planner") return undefined;
        const isNew = JSON.stringify(call.request.messages).includes("new.js");
        const name = isNew ? "new" : "old";
        return result(JSON.stringify([{
          title: isNew ? "New" : "Old",
          description: `Implement ${name}.js.`,
          file_paths: [`${name}.js`],
          dependencies: [],
        }]));
      },
    },
  });
  await f.addPlan("evolve.md", "# Evolve\n- old.js\n");
  await runPipeline(f.deps, { singleRun: true, architectOnly: true });
  await f.addPlan("evolve.md", "# Evolve\n- new.js\n");
  await runPipeline(f.deps, { singleRun: true });
  const plans = f.store.listPlans();
  const v2 = plans.find((p) => p.revision_of)!;
  const v1 = plans.find((p) => p.id === v2.revision_of)!;
  assert.equal(plans.length, 2);
  assert.deepEqual([v1.status, v2.status], ["superseded", "completed"]);
  assert.deepEqual(f.store.listTasks().map((t) => [t.title, t.status, t.escalation_reason]), [
    ["Old", "cancelled", "cancelled"],
    ["New", "completed", null],
  ]);
  assert.deepEqual(
    f.calls.filter((c) => c.role === "coder").map((c) => c.task),
    ["New", "New"],
    "the cancelled task was never coded",
  );
});

Deno.test("the same plan under another name is not processed twice", async () => {
  await using f = await fakePipeline([{ title: "Once", file: "once.js", content: js("once") }]);
  await f.addPlan("first.md", "# Once\n- once.js\n");
  await f.addPlan("copy.md", "# Once\n- once.js\n");
  await runPipeline(f.deps, { singleRun: true });
  assert.equal(f.store.listPlans().length, 1);
  assert.deepEqual(f.store.listTasks().map((t) => t.status), ["completed"]);
});

Deno.test("--plan-phase codes and reviews only that phase's tasks", async () => {
  await using f = await fakePipeline([
    { title: "Lib", file: "lib.js", content: js("lib"), phase: "Phase 1: library" },
    { title: "Docs", file: "docs.js", content: js("docs"), phase: "Phase 2: docs" },
  ]);
  await f.addPlan(
    "phased.md",
    "# Phased\n## Phase 1: library\n- lib.js\n## Phase 2: docs\n- docs.js\n",
  );
  await runPipeline(f.deps, { singleRun: true, planPhase: "Phase 1: library" });
  assert.deepEqual(f.store.listTasks().map((t) => [t.title, t.phase_name, t.status]), [
    ["Lib", "Phase 1: library", "completed"],
    ["Docs", "Phase 2: docs", "pending"],
  ]);
  await runPipeline(f.deps, { singleRun: true });
  assert.deepEqual(f.store.listTasks().map((t) => t.status), ["completed", "completed"]);
});

/** A coder that never uses native tool calls the usual way: it prints them as text in `style`. */
function textCoder(style: "file_block" | "hermes" | "qwen_xml" | "wrong_args") {
  const content = js("texty");
  return (call: { role: string; request: { messages: { role: string; content: unknown }[] } }) => {
    if (call.role !== "coder") return undefined;
    const last = call.request.messages.at(-1)!;
    if (last.role === "tool" || String(last.content).startsWith("Tool results:")) {
      return result("Done: wrote texty.js.");
    }
    switch (style) {
      case "file_block":
        return result(`Here it is.\n--- FILE: texty.js ---\n${content}--- END FILE ---\nWrote it.`);
      case "hermes":
        return result(
          `<tool_call>\n${
            JSON.stringify({ name: "file_write", arguments: { path: "texty.js", content } })
          }\n</tool_call>`,
        );
      case "qwen_xml":
        return result(
          `<tool_call>\n<function=file_write>\n<parameter=path>\ntexty.js\n</parameter>\n<parameter=content>\n${content}\n</parameter>\n</function>\n</tool_call>`,
        );
      case "wrong_args":
        return result("", [{
          id: "call_1",
          name: "write_file",
          arguments: JSON.stringify({ file_path: "texty.js", contents: content }),
        }]);
    }
  };
}

for (const style of ["file_block", "hermes", "qwen_xml", "wrong_args"] as const) {
  Deno.test(`a coder whose tool calls arrive as ${style} still writes the file`, async () => {
    await using f = await fakePipeline([{ title: "Texty", file: "texty.js", content: "" }], {
      tune: (c) => {
        if (style === "file_block") c.models.coder.supports_tools = false;
      },
      hooks: { reply: textCoder(style) },
    });
    await f.addPlan("texty.md", "# Texty\n- texty.js\n");
    await runPipeline(f.deps, { singleRun: true });
    assert.deepEqual(f.store.listTasks().map((t) => [t.status, t.changed_files]), [
      ["completed", ["texty.js"]],
    ]);
    assert.equal(await f.workspace("texty").readText("texty.js"), js("texty"));
  });
}
