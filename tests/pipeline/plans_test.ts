/**
 * Plans over real ports and the HTTP fake, in-process: a connection reset
 * in the middle of a task, deliverables and the quality report on disk, the
 * Python validation gate. Plan shapes, the architect's answers, `--plan`,
 * `--plan-phase`, revisions and text tool calls run on the fake pipeline
 * (`src/pipeline/run_plans_test.ts`).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runPipeline } from "../../src/pipeline/run.ts";
import type { ChatBody, Reply } from "../fake_server/server.ts";
import { harness } from "./harness.ts";
import { KEYS, scriptedSession, type ScriptedTask } from "./scripted.ts";

/** JavaScript, checked in-process: the cases before the Python gate's are not about Python. */
const js = (name: string) => `export function ${name}() {\n  return "${name}";\n}\n`;

Deno.test("a server outage in the middle of a task does not consume the task's attempts", async () => {
  const tasks: ScriptedTask[] = [{ title: "Sturdy", file: "sturdy.js", content: js("sturdy") }];
  const session = scriptedSession(tasks);
  let coderCalls = 0;
  let outage = true;
  await using h = await harness(
    (body, ctx): Reply => {
      if (body.model === KEYS.coder && outage) {
        coderCalls++;
        h.server.setFaults({ kind: "reset", sticky: true });
      }
      return session(body, ctx);
    },
  );
  let pauses = 0;
  h.deps.sleep = () => {
    pauses++;
    outage = false;
    h.server.setFaults();
    return Promise.resolve();
  };
  await h.addPlan("outage.md", "# Outage\n- sturdy.js\n");
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

Deno.test("requirement ids in the plan become deliverables, validated when their task is approved", async () => {
  const tasks: ScriptedTask[] = [
    { title: "List", file: "list.js", content: js("list"), deliverables: ["REQ-1"] },
    { title: "Search", file: "search.js", content: js("search"), deliverables: ["REQ-2"] },
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
