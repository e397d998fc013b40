import assert from "node:assert/strict";
import { at, sampleRun } from "../../testing/ui_fixtures.ts";
import { stripAnsi } from "./ansi.ts";
import { createDashboard, type FrameWriter, type Schedule } from "./dashboard.ts";

/** A fake terminal, clock and timer. */
function harness(isTty = true) {
  const frames: string[] = [];
  const writer: FrameWriter = { isTty, write: (t) => void frames.push(t) };
  const clock = { ms: 0 };
  const timers: { fn: () => void; due: number; cancelled: boolean }[] = [];
  const schedule: Schedule = (fn, ms) => {
    const timer = { fn, due: clock.ms + ms, cancelled: false };
    timers.push(timer);
    return () => void (timer.cancelled = true);
  };
  const advance = (ms: number) => {
    clock.ms += ms;
    for (const t of timers) {
      if (!t.cancelled && t.due <= clock.ms) {
        t.cancelled = true;
        t.fn();
      }
    }
  };
  const dash = createDashboard(writer, {
    color: false,
    width: () => 100,
    now: () => clock.ms,
    schedule,
  });
  return { frames, dash, advance, pending: () => timers.filter((t) => !t.cancelled).length };
}

Deno.test("dashboard draws the panel on the first event", () => {
  const { frames, dash } = harness();
  dash.listener(at(0, { type: "plan.registered", planId: "p1", filename: "greeting.md" }));
  assert.equal(frames.length, 1);
  assert.ok(frames[0]?.startsWith("LAO · 0.0s · starting · no model loaded\n"), frames[0]);
  assert.ok(frames[0]?.includes("plan greeting.md registered"));
});

Deno.test("dashboard redraws at most every 100 ms and catches up with the latest state", () => {
  const { frames, dash, advance, pending } = harness();
  const events = sampleRun().filter((e) => e.type !== "task.transition" || e.to !== "failed");
  for (const e of events) dash.listener(e);
  assert.equal(frames.length, 1, "events within 100 ms share one redraw");
  assert.equal(pending(), 1);
  advance(100);
  assert.equal(frames.length, 2);
  const last = frames[1]!;
  assert.ok(last.includes("LAO · 0.1s · coder"), last);
  assert.ok(last.includes("model qwen/qwen3-coder-30b"));
  assert.ok(last.includes("1/2 tasks completed"));
  assert.ok(last.includes("+ task #1 coded → completed"));
});

Deno.test("dashboard moves the cursor up over the previous frame before redrawing", () => {
  const { frames, dash, advance } = harness();
  dash.listener(at(0, { type: "sandbox.status", line: "bwrap" }));
  const height = frames[0]!.split("\n").length - 1;
  advance(200);
  dash.listener(at(1, { type: "sandbox.status", line: "bwrap ok" }));
  assert.ok(frames[1]?.startsWith(`\x1b[${height}A\x1b[J`));
  assert.ok(frames[1]?.includes("sandbox bwrap ok"));
});

Deno.test("dashboard prints warnings above the panel at once so they stay in the scrollback", () => {
  const { frames, dash } = harness();
  dash.listener(at(0, { type: "sandbox.status", line: "bwrap" }));
  dash.listener(at(1, { type: "log", level: "warn", source: "git", message: "no repository" }));
  assert.equal(frames.length, 2);
  const afterClear = stripAnsi(frames[1]!);
  assert.ok(afterClear.startsWith("12:03:01 warning: [git] no repository\nLAO ·"));
});

Deno.test("dashboard close() draws the last frame, cancels its timer and ignores later events", () => {
  const { frames, dash, pending } = harness();
  dash.listener(at(0, { type: "sandbox.status", line: "a" }));
  dash.listener(at(1, { type: "sandbox.status", line: "b" }));
  assert.equal(pending(), 1);
  dash.close();
  assert.equal(pending(), 0);
  assert.equal(frames.length, 2);
  assert.ok(frames[1]?.includes("sandbox b"));
  dash.listener(at(2, { type: "sandbox.status", line: "c" }));
  dash.close();
  assert.equal(frames.length, 2);
});

Deno.test("dashboard draws nothing when the writer is not a terminal", () => {
  const { frames, dash, pending } = harness(false);
  for (const e of sampleRun()) dash.listener(e);
  dash.close();
  assert.deepEqual(frames, []);
  assert.equal(pending(), 0);
  assert.equal(dash.state.loads, 2);
});

Deno.test("dashboard uses real timers by default and cleans them up on close", () => {
  const frames: string[] = [];
  const dash = createDashboard({ isTty: true, write: (t) => void frames.push(t) }, {
    color: false,
    width: () => 80,
  });
  dash.listener(at(0, { type: "sandbox.status", line: "a" }));
  dash.listener(at(1, { type: "sandbox.status", line: "b" }));
  dash.close();
  assert.ok(frames.at(-1)?.includes("sandbox b"));
});
