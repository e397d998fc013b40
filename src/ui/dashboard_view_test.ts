import assert from "node:assert/strict";
import { at, sampleRun } from "../../testing/ui_fixtures.ts";
import { stripAnsi } from "./ansi.ts";
import { initialState, reduce } from "./dashboard_state.ts";
import { render } from "./dashboard_view.ts";

const state = () => sampleRun().reduce(reduce, initialState({ sandbox: "bwrap" }));

Deno.test("render() shows phase, plan, model and sandbox in the header", () => {
  const [header] = render(state(), { width: 120, color: false });
  assert.equal(
    header,
    "LAO · coder · plan greeting.md · model qwen/qwen3-coder-30b · sandbox bwrap",
  );
});

Deno.test("render() shows the whole elapsed time first, even on a narrow terminal", () => {
  const [header] = render(state(), { width: 120, color: false, elapsedSeconds: 240 });
  assert.ok(header?.startsWith("LAO · 4m 00s · coder"), header);
  const [narrow] = render(state(), { width: 24, color: false, elapsedSeconds: 3725 });
  assert.ok(narrow?.startsWith("LAO · 1h 02m"), narrow);
});

Deno.test("render() says paused with the next retry, idle and stopping instead of a phase", () => {
  const paused = reduce(
    state(),
    at(30, {
      type: "run.state",
      state: "paused",
      until: new Date(2026, 0, 1, 12, 5, 7).toISOString(),
      reason: "model server unavailable",
    }),
  );
  const [header] = render(paused, { width: 160, color: false });
  assert.match(
    header!,
    /^LAO · paused, next retry at 12:05:07 \(model server unavailable\) · plan /,
  );
  const idle = reduce(
    paused,
    at(31, { type: "run.state", state: "idle", reason: "watching plans" }),
  );
  assert.match(render(idle, { width: 160, color: false })[0]!, /^LAO · idle \(watching plans\)/);
  const stopping = reduce(idle, at(32, { type: "run.state", state: "stopping" }));
  assert.match(render(stopping, { width: 160, color: false })[0]!, /^LAO · stopping/);
});

Deno.test("render() draws a progress bar of completed tasks and counts per status", () => {
  const lines = render(state(), { width: 100, color: false });
  const bar = lines.find((l) => l.includes("tasks completed"));
  assert.equal(bar, `[${"█".repeat(15)}${"░".repeat(15)}] 1/2 tasks completed`);
  assert.ok(lines.includes("pending 0 · coding 0 · coded 0 · review 0 · completed 1 · failed 1"));
});

Deno.test("render() lists tokens by role, loads and the memory gate", () => {
  const lines = render(state(), { width: 100, color: false });
  assert.ok(lines.includes("tokens (prompt+completion): planner 1.0k+200 · coder 3.0k+500"));
  assert.ok(lines.includes("loads 2 · swaps 1 · unloads 1 · memory gate 0.3s"));
});

Deno.test("render() shows the last activity lines with markers for warnings and good news", () => {
  const lines = render(state(), { width: 100, color: false, activityLines: 2 });
  assert.deepEqual(lines.slice(-2), [
    " 12:03:13 + task #1 coded → completed",
    " 12:03:14 ! task #2 pending → failed",
  ]);
  assert.ok(lines.includes("1 warning(s)/error(s), last: task #2 pending → failed"));
});

Deno.test("render() shows the current task with its attempt", () => {
  const s = reduce(
    state(),
    at(20, {
      type: "phase.start",
      phase: "coder",
      taskId: 1,
      title: "Greeting",
      attempt: 2,
      maxAttempts: 3,
    }),
  );
  assert.ok(render(s, { width: 100, color: false }).includes("task #1 Greeting (attempt 2/3)"));
});

Deno.test("render() keeps every line within the width, with or without colour", () => {
  for (const color of [false, true]) {
    for (const line of render(state(), { width: 40, color })) {
      assert.ok([...stripAnsi(line)].length <= 40, line);
    }
  }
});

Deno.test("render() works before any event arrived", () => {
  const lines = render(initialState(), { width: 80, color: false });
  assert.equal(lines[0], "LAO · starting · no model loaded");
  assert.ok(lines.includes("tokens: none yet"));
});

Deno.test("render() shows a memory-gate wait with available/target and the time waited", () => {
  const GB = 1024 ** 3;
  const waiting = reduce(
    state(),
    at(40, { type: "memory.wait", availableBytes: 3.1 * GB, targetBytes: 8 * GB, seconds: 12 }),
  );
  const [header] = render(waiting, { width: 160, color: false });
  assert.match(header!, /^LAO · waiting for memory: 3\.1 GB of 8\.0 GB available · 12s/);
  const later = reduce(
    waiting,
    at(41, { type: "memory.wait", availableBytes: 5 * GB, targetBytes: 8 * GB, seconds: 13 }),
  );
  assert.match(
    render(later, { width: 160, color: false })[0]!,
    /5\.0 GB of 8\.0 GB available · 13s/,
  );
  const open = reduce(
    later,
    at(42, { type: "memory.gate", reason: "released", seconds: 14, freedBytes: 8 * GB }),
  );
  assert.doesNotMatch(render(open, { width: 160, color: false })[0]!, /waiting for memory/);
});

Deno.test("render() shows cancelled tasks only when a revision cancelled some", () => {
  const cancelled = reduce(
    state(),
    at(50, { type: "task.transition", taskId: 9, planId: "p1", from: "pending", to: "cancelled" }),
  );
  const lines = render(cancelled, { width: 120, color: false });
  assert.ok(
    lines.includes(
      "pending 0 · coding 0 · coded 0 · review 0 · completed 1 · failed 1 · cancelled 1",
    ),
    lines.join("\n"),
  );
});

Deno.test("render() logs a memory-gate wait once and says stopping when Ctrl+C comes during it", () => {
  const GB = 1024 ** 3;
  const polls = [0.5, 1, 1.5, 2].map((seconds, i) =>
    at(40 + i, { type: "memory.wait", availableBytes: 3 * GB, targetBytes: 8 * GB, seconds })
  );
  const waiting = polls.reduce(reduce, state());
  const lines = render(waiting, { width: 160, color: false, activityLines: 20 });
  assert.equal(lines.filter((l) => l.includes("waiting for memory")).length, 2, lines.join("\n"));
  assert.match(lines[0]!, /available · 2\.0s/);
  const stopping = reduce(waiting, at(45, { type: "run.state", state: "stopping" }));
  assert.match(
    render(stopping, { width: 160, color: false })[0]!,
    /^LAO · stopping \(Ctrl\+C again aborts\) · waiting for memory: 3\.0 GB of 8\.0 GB/,
  );
});
