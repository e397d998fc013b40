import assert from "node:assert/strict";
import { join } from "node:path";
import { runPipeline } from "../../src/pipeline/run.ts";
import type { ChatBody, Reply, Respond } from "../fake_server/server.ts";
import { harness } from "./harness.ts";
import { KEYS, py, scriptedSession, type ScriptedTask, TEN_PLAN, TEN_TASKS } from "./scripted.ts";

const TEN = TEN_TASKS;
const PLAN = TEN_PLAN;

Deno.test("a 10-task plan with a chain, two branches and a rejected-then-approved task completes", async () => {
  const session = scriptedSession(TEN);
  await using h = await harness(session);
  await h.addPlan("ten.md", PLAN);
  const result = await runPipeline(h.deps, { singleRun: true });
  const tasks = h.store.listTasks();
  assert.equal(tasks.length, 10);
  assert.deepEqual(tasks.filter((t) => t.status !== "completed").map((t) => t.title), []);
  const j = tasks.find((t) => t.title === "Task j")!;
  assert.equal(j.attempt, 1);
  assert.equal(session.reviews.get("Task j"), 2);
  // Findings history is kept per attempt: the first review's finding is still there.
  assert.equal(h.store.findings(j.id, 0).filter((f) => f.source === "reviewer").length, 1);
  for (const t of TEN) {
    assert.equal(await Deno.readTextFile(join(h.dir, "ten", t.file)), t.content);
  }
  const loads = result.loadsPerPlan["ten.md"]!;
  // Depth 4 with three distinct models: planner + 4 × (coder + reviewer) = 9; the rework adds a round.
  assert.equal(loads.lowerBound, 9);
  assert.ok(
    loads.loads <= loads.lowerBound + 2,
    `loads ${loads.loads} vs bound ${loads.lowerBound}`,
  );
  assert.equal(h.store.getPlan(result.plans[0]!.id)!.status, "completed");
});

Deno.test("a failing dependency fails its dependents with the reason", async () => {
  const tasks: ScriptedTask[] = [
    { title: "Base", file: "base.py", content: py("base"), rejectTimes: 99 },
    { title: "Middle", file: "middle.py", content: py("middle"), dependencies: ["Base"] },
    { title: "Top", file: "top.py", content: py("top"), dependencies: ["Middle"] },
    { title: "Other", file: "other.py", content: py("other") },
  ];
  await using h = await harness(scriptedSession(tasks));
  await h.addPlan("deps.md", "# Deps\n- base\n- middle\n- top\n- other\n");
  const result = await runPipeline(h.deps, { singleRun: true });
  const byTitle = Object.fromEntries(h.store.listTasks().map((t) => [t.title, t]));
  assert.equal(byTitle.Base!.status, "failed");
  assert.equal(byTitle.Base!.escalation_reason, "max_attempts_reached");
  assert.equal(byTitle.Base!.attempt, 2);
  assert.equal(byTitle.Middle!.status, "failed");
  assert.equal(byTitle.Middle!.feedback, "Blocked by failed dependencies: Base");
  assert.equal(byTitle.Top!.status, "failed");
  assert.equal(byTitle.Top!.feedback, "Blocked by failed dependencies: Middle");
  assert.equal(byTitle.Other!.status, "completed");
  assert.equal(h.store.getPlan(result.plans[0]!.id)!.status, "active");
});

Deno.test("an architect reply that is malformed once is repaired and the plan completes", async () => {
  const tasks: ScriptedTask[] = [
    { title: "Only task", file: "only.py", content: py("only") },
  ];
  const session = scriptedSession(tasks, { malformedArchitectOnce: true });
  await using h = await harness(session);
  await h.addPlan("repair.md", "# Repair\n- only.py\n");
  await runPipeline(h.deps, { singleRun: true });
  assert.deepEqual(h.store.listTasks().map((t) => [t.title, t.status]), [[
    "Only task",
    "completed",
  ]]);
  const planner = h.server.requests.filter((r) =>
    r.path === "/v1/chat/completions" && (r.body as ChatBody).model === KEYS.planner
  );
  assert.equal(planner.length, 2);
  const repairTurn = (planner[1]!.body as ChatBody).messages!.at(-1)!;
  assert.equal(repairTurn.role, "user");
  assert.match(String(repairTurn.content), /cut off|Task\[0\]|JSON/);
});

Deno.test("prose, fences and think tags around the architect's JSON are read without a repair turn", async () => {
  const tasks: ScriptedTask[] = [{ title: "Chatty", file: "chatty.py", content: py("chatty") }];
  await using h = await harness(scriptedSession(tasks, { chattyArchitect: true }));
  await h.addPlan("chatty.md", "# Chatty\n- chatty.py\n");
  await runPipeline(h.deps, { singleRun: true });
  assert.deepEqual(h.store.listTasks().map((t) => t.status), ["completed"]);
  const planner = h.server.requests.filter((r) =>
    r.path === "/v1/chat/completions" && (r.body as ChatBody).model === KEYS.planner
  );
  assert.equal(planner.length, 1);
});

Deno.test("a server outage in the middle of a task does not consume the task's attempts", async () => {
  const tasks: ScriptedTask[] = [{ title: "Sturdy", file: "sturdy.py", content: py("sturdy") }];
  const session = scriptedSession(tasks);
  let coderCalls = 0;
  let outage = true;
  await using h = await harness((body, ctx): Reply => {
    if (body.model === KEYS.coder && outage) {
      coderCalls++;
      h.server.setFaults({ kind: "reset", sticky: true });
    }
    return session(body, ctx);
  });
  let pauses = 0;
  h.deps.sleep = () => {
    pauses++;
    outage = false;
    h.server.setFaults();
    return Promise.resolve();
  };
  await h.addPlan("outage.md", "# Outage\n- sturdy.py\n");
  await runPipeline(h.deps, { singleRun: true });
  const task = h.store.listTasks()[0]!;
  assert.equal(task.status, "completed");
  assert.equal(task.attempt, 0);
  assert.ok(coderCalls >= 1);
  assert.ok(pauses >= 1);
  const paused = h.store.taskEvents(task.id).map((e) => e.payload).filter((p) =>
    p.type === "task.transition" && p.reason?.startsWith("paused:")
  );
  assert.equal(paused.length, 1);
});

Deno.test("phase_gated: false finishes the queue and returns", async () => {
  const tasks: ScriptedTask[] = [
    { title: "One", file: "one.py", content: py("one") },
    { title: "Two", file: "two.py", content: py("two"), dependencies: ["One"] },
  ];
  await using h = await harness(scriptedSession(tasks), (c) => {
    c.orchestration.phase_gated = false;
  });
  await h.addPlan("ungated.md", "# Ungated\n- one\n- two\n");
  await runPipeline(h.deps, { singleRun: true });
  assert.deepEqual(h.store.listTasks().map((t) => t.status), ["completed", "completed"]);
});

Deno.test("single-run waits out a rework cooldown instead of exiting with work left", async () => {
  const tasks: ScriptedTask[] = [{
    title: "Cool",
    file: "cool.py",
    content: py("cool"),
    rejectTimes: 1,
  }];
  await using h = await harness(scriptedSession(tasks), (c) => {
    c.orchestration.retry_cooldown_base_s = 30;
  });
  let clock = Date.now();
  h.deps.now = () => new Date(clock);
  const waits: number[] = [];
  h.deps.sleep = (ms) => {
    waits.push(ms);
    clock += ms;
    return Promise.resolve();
  };
  // The store's clock must move with the pipeline's.
  (h.store as unknown as { nowIso: () => string }).nowIso = () => new Date(clock).toISOString();
  await h.addPlan("cool.md", "# Cool\n- cool.py\n");
  await runPipeline(h.deps, { singleRun: true });
  assert.deepEqual(h.store.listTasks().map((t) => t.status), ["completed"]);
  assert.ok(waits.some((ms) => ms >= 29_000 && ms <= 31_000), `waits: ${waits}`);
});

Deno.test("--plan restricts the run to that plan and --architect-only stops after decomposition", async () => {
  const a: ScriptedTask[] = [{ title: "Alpha", file: "alpha.py", content: py("alpha") }];
  const b: ScriptedTask[] = [{ title: "Beta", file: "beta.py", content: py("beta") }];
  const sa = scriptedSession(a);
  const sb = scriptedSession(b);
  await using h = await harness((body, ctx) => {
    const text = JSON.stringify(body.messages);
    return text.includes("beta") || text.includes("Beta") ? sb(body, ctx) : sa(body, ctx);
  });
  const alpha = await h.addPlan("alpha.md", "# Alpha\n- alpha.py\n");
  await h.addPlan("beta.md", "# Beta\n- beta.py\n");
  await runPipeline(h.deps, { planPath: alpha, singleRun: true, architectOnly: true });
  assert.deepEqual(h.store.listPlans().map((p) => p.filename), ["alpha.md"]);
  assert.deepEqual(h.store.listTasks().map((t) => [t.title, t.status]), [["Alpha", "pending"]]);
  await runPipeline(h.deps, { planPath: alpha, singleRun: true });
  assert.deepEqual(h.store.listTasks().map((t) => [t.title, t.status]), [["Alpha", "completed"]]);
  await runPipeline(h.deps, { singleRun: true });
  assert.deepEqual(h.store.listTasks().map((t) => [t.title, t.status]), [
    ["Alpha", "completed"],
    ["Beta", "completed"],
  ]);
});

Deno.test("an edited plan becomes a new revision: the removed section's pending task is cancelled, never coded", async () => {
  const v1: ScriptedTask[] = [{ title: "Old", file: "old.py", content: py("old") }];
  const v2: ScriptedTask[] = [{ title: "New", file: "new.py", content: py("new") }];
  const s1 = scriptedSession(v1);
  const s2 = scriptedSession(v2);
  await using h = await harness((body, ctx) =>
    JSON.stringify(body.messages).includes("new.py") ||
      JSON.stringify(body.messages).includes("New")
      ? s2(body, ctx)
      : s1(body, ctx)
  );
  await h.addPlan("evolve.md", "# Evolve\n- old.py\n");
  await runPipeline(h.deps, { singleRun: true, architectOnly: true });
  await h.addPlan("evolve.md", "# Evolve\n- new.py\n");
  await runPipeline(h.deps, { singleRun: true });
  const plans = h.store.listPlans();
  assert.deepEqual(plans.map((p) => p.status), ["superseded", "completed"]);
  assert.equal(plans[1]!.revision_of, plans[0]!.id);
  assert.deepEqual(h.store.listTasks().map((t) => [t.title, t.status, t.escalation_reason]), [
    ["Old", "cancelled", "cancelled"],
    ["New", "completed", null],
  ]);
});

Deno.test("the same plan under another name is not processed twice", async () => {
  const tasks: ScriptedTask[] = [{ title: "Once", file: "once.py", content: py("once") }];
  await using h = await harness(scriptedSession(tasks));
  await h.addPlan("first.md", "# Once\n- once.py\n");
  await h.addPlan("copy.md", "# Once\n- once.py\n");
  await runPipeline(h.deps, { singleRun: true });
  assert.equal(h.store.listPlans().length, 1);
  assert.deepEqual(h.store.listTasks().map((t) => t.status), ["completed"]);
});

/** A coder that never uses native tool calls: it prints them as text in `style`. */
function textCoder(style: "file_block" | "hermes" | "qwen_xml" | "wrong_args"): Respond {
  const tasks: ScriptedTask[] = [{ title: "Texty", file: "texty.py", content: py("texty") }];
  const base = scriptedSession(tasks);
  return (body, ctx) => {
    if (body.model !== KEYS.coder) return base(body, ctx);
    const last = (body.messages ?? []).at(-1)!;
    if (last.role === "tool" || String(last.content).startsWith("Tool results:")) {
      return { content: "Done: wrote texty.py." };
    }
    const content = py("texty");
    switch (style) {
      case "file_block":
        return {
          content: `Here it is.\n--- FILE: texty.py ---\n${content}--- END FILE ---\nWrote it.`,
        };
      case "hermes":
        return {
          content: `<tool_call>\n${
            JSON.stringify({ name: "file_write", arguments: { path: "texty.py", content } })
          }\n</tool_call>`,
        };
      case "qwen_xml":
        return {
          content:
            `<tool_call>\n<function=file_write>\n<parameter=path>\ntexty.py\n</parameter>\n<parameter=content>\n${content}\n</parameter>\n</function>\n</tool_call>`,
        };
      case "wrong_args":
        return {
          toolCalls: [{
            name: "write_file",
            arguments: { file_path: "texty.py", contents: content },
          }],
        };
    }
  };
}

for (const style of ["file_block", "hermes", "qwen_xml", "wrong_args"] as const) {
  Deno.test(`a coder whose tool calls arrive as ${style} still writes the file`, async () => {
    await using h = await harness(textCoder(style), (c) => {
      if (style === "file_block") c.models.coder.supports_tools = false;
    });
    await h.addPlan("texty.md", "# Texty\n- texty.py\n");
    await runPipeline(h.deps, { singleRun: true });
    assert.deepEqual(h.store.listTasks().map((t) => [t.status, t.changed_files]), [["completed", [
      "texty.py",
    ]]]);
    assert.equal(await Deno.readTextFile(join(h.dir, "texty", "texty.py")), py("texty"));
  });
}

Deno.test("requirement ids in the plan become deliverables, validated when their task is approved", async () => {
  const tasks: ScriptedTask[] = [
    { title: "List", file: "list.py", content: py("list"), deliverables: ["REQ-1"] },
    { title: "Search", file: "search.py", content: py("search"), deliverables: ["REQ-2"] },
  ];
  const plan =
    "# Shop (UTF-8 only)\n\n## Phase 1: catalogue\n- REQ-1: list products\n- REQ-2: search\n- REQ-3: export\n";
  await using h = await harness(scriptedSession(tasks), (c) => {
    c.orchestration.strict_adherence = true;
  });
  await h.addPlan("shop.md", plan);
  const result = await runPipeline(h.deps, { singleRun: true });
  const id = result.plans[0]!.id;
  assert.deepEqual(h.store.deliverables(id).map((d) => [d.deliverable_id, d.status]), [
    ["REQ-1", "validated"],
    ["REQ-2", "validated"],
    ["REQ-3", "not_started"],
  ]);
  // Strict adherence: every task is done, but REQ-3 is not delivered, so the plan stays open.
  assert.deepEqual(h.store.listTasks().map((t) => t.status), ["completed", "completed"]);
  assert.equal(h.store.getPlan(id)!.status, "active");
  const report = JSON.parse(await Deno.readTextFile(join(h.dir, "shop", "quality_report.json")));
  assert.equal(report.traceability_summary.deliverables_total, 3);
  assert.equal(report.traceability_summary.deliverables_validated, 2);
  assert.equal(report.contracts.closure_satisfied, false);
  assert.deepEqual(
    report.contracts.unresolved_deliverables.map((d: { deliverable_id: string }) =>
      d.deliverable_id
    ),
    ["REQ-3"],
  );
});

Deno.test("--plan-phase codes and reviews only that phase's tasks", async () => {
  const tasks: ScriptedTask[] = [
    { title: "Lib", file: "lib.py", content: py("lib"), phase: "Phase 1: library" },
    { title: "Docs", file: "docs.py", content: py("docs"), phase: "Phase 2: docs" },
  ];
  await using h = await harness(scriptedSession(tasks));
  await h.addPlan(
    "phased.md",
    "# Phased\n## Phase 1: library\n- lib.py\n## Phase 2: docs\n- docs.py\n",
  );
  await runPipeline(h.deps, { singleRun: true, planPhase: "Phase 1: library" });
  assert.deepEqual(h.store.listTasks().map((t) => [t.title, t.phase_name, t.status]), [
    ["Lib", "Phase 1: library", "completed"],
    ["Docs", "Phase 2: docs", "pending"],
  ]);
  await runPipeline(h.deps, { singleRun: true });
  assert.deepEqual(h.store.listTasks().map((t) => t.status), ["completed", "completed"]);
});

const hasPython = (() => {
  try {
    return new Deno.Command("python3", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

Deno.test({
  name:
    "the validation gate sends broken code back without asking the reviewer; off lets it through",
  ignore: !hasPython,
  fn: async () => {
    const broken: ScriptedTask[] = [{
      title: "Broken",
      file: "broken.py",
      content: "def broken(:\n    pass\n",
    }];
    await using strict = await harness(scriptedSession(broken), (c) => {
      c.orchestration.max_task_attempts = 2;
    });
    await strict.addPlan("broken.md", "# Broken\n- broken.py\n");
    await runPipeline(strict.deps, { singleRun: true });
    const task = strict.store.listTasks()[0]!;
    assert.equal(task.status, "failed");
    assert.equal(task.escalation_reason, "repeated_validation_failure");
    assert.match(
      task.feedback!,
      /python_syntax_error|python_compile_error|SyntaxError|invalid syntax/i,
    );
    const reviews = strict.server.requests.filter((r) =>
      r.path === "/v1/chat/completions" && (r.body as ChatBody).model === KEYS.reviewer
    );
    assert.equal(reviews.length, 0);

    await using lax = await harness(scriptedSession(broken), (c) => {
      c.orchestration.quality_gate_mode = "off";
    });
    await lax.addPlan("broken.md", "# Broken\n- broken.py\n");
    await runPipeline(lax.deps, { singleRun: true });
    assert.equal(lax.store.listTasks()[0]!.status, "completed");
  },
});
