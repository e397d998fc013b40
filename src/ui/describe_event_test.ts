import assert from "node:assert/strict";
import {
  clock,
  describeEvent,
  formatBytes,
  formatSeconds,
  formatTokens,
} from "./describe_event.ts";
import { localAt } from "../../testing/ui_fixtures.ts";
import type { LaoEvent } from "../events/types.ts";

Deno.test("describeEvent() shows a task move with attempt and title when the producer adds them", () => {
  const event = {
    type: "task.transition",
    taskId: 3,
    planId: "p",
    from: "coding",
    to: "coded",
    attempt: 1,
    maxAttempts: 3,
    title: "greeting/__init__.py",
  } as LaoEvent;
  assert.equal(
    describeEvent(event).text,
    "task #3 coding → coded (attempt 1/3) greeting/__init__.py",
  );
});

Deno.test("describeEvent() shows a new task and the reason of a move", () => {
  const d = describeEvent({
    type: "task.transition",
    taskId: 4,
    planId: "p",
    from: null,
    to: "pending",
    reason: "created (1/2)",
  });
  assert.equal(d.text, "task #4 → pending — created (1/2)");
  assert.equal(d.level, "info");
});

Deno.test("describeEvent() makes a failed task a warning and a completed one good news", () => {
  const failed = describeEvent({
    type: "task.transition",
    taskId: 1,
    planId: "p",
    from: "review",
    to: "failed",
  });
  const done = describeEvent({
    type: "task.transition",
    taskId: 1,
    planId: "p",
    from: "review",
    to: "completed",
  });
  assert.equal(failed.level, "warn");
  assert.equal(done.good, true);
});

Deno.test("describeEvent() reports model loads with role, time and swap", () => {
  const d = describeEvent({
    type: "model.load",
    role: "coder",
    model: "qwen/qwen3-coder-30b",
    seconds: 2.1,
    swap: true,
  });
  assert.equal(d.text, "model coder loaded qwen/qwen3-coder-30b in 2.1s (swap)");
});

Deno.test("describeEvent() reports the memory gate and warns on a timeout", () => {
  const ok = describeEvent({
    type: "memory.gate",
    reason: "released",
    seconds: 0.3,
    freedBytes: 0,
  });
  assert.equal(ok.text, "memory gate: released after 0.3s");
  const slow = describeEvent({
    type: "memory.gate",
    reason: "timeout",
    seconds: 30,
    freedBytes: 2 * 1024 ** 3,
  });
  assert.equal(slow.text, "memory gate: timeout after 30s (freed 2.0 GB)");
  assert.equal(slow.level, "warn");
});

Deno.test("describeEvent() hides successful LLM calls at debug level but warns on failures", () => {
  const base = {
    type: "llm.call",
    role: "coder",
    model: "m",
    promptTokens: 10,
    completionTokens: 5,
    seconds: 1,
  } as const;
  assert.equal(describeEvent({ ...base, ok: true }).level, "debug");
  const failed = describeEvent({ ...base, ok: false, error: "HTTP 500" });
  assert.equal(failed.level, "warn");
  assert.match(failed.text, /llm coder m failed after 1\.0s: HTTP 500/);
});

Deno.test("describeEvent() prefixes log messages with their source", () => {
  const d = describeEvent({ type: "log", level: "warn", source: "git", message: "no repo" });
  assert.deepEqual(d, { text: "[git] no repo", level: "warn" });
});

Deno.test("describeEvent() shortens commit hashes and names the tool", () => {
  assert.equal(
    describeEvent({ type: "git.commit", subject: "feat: x", sha: "abcdef123456", workspace: "w" })
      .text,
    "git commit abcdef1 feat: x",
  );
  assert.equal(
    describeEvent({ type: "tool.call", tool: "file_write", ok: false, summary: "a.py", taskId: 2 })
      .text,
    "task #2 tool file_write failed: a.py",
  );
});

Deno.test("formatters render durations, sizes, tokens and local clock times", () => {
  assert.equal(formatSeconds(0.25), "0.3s");
  assert.equal(formatSeconds(42.4), "42s");
  assert.equal(formatSeconds(245), "4m 05s");
  assert.equal(formatSeconds(3720), "1h 02m");
  assert.equal(formatBytes(512 * 1024 ** 2), "512 MB");
  assert.equal(formatTokens(950), "950");
  assert.equal(formatTokens(12_345), "12k");
  assert.equal(formatTokens(1_500), "1.5k");
  assert.equal(formatTokens(2_500_000), "2.5M");
  assert.equal(clock(localAt(9, 5, 7)), "09:05:07");
  assert.equal(clock("not a date"), "--:--:--");
});

Deno.test("describeEvent() names the server and slot a phase starts on", () => {
  const e = { type: "phase.start", phase: "coder", taskId: 4, server: "desk", slot: 3 } as const;
  assert.equal(describeEvent(e).text, "coder started (task #4) on desk slot 3");
  // The task a server runs beyond its slots has none of its own (pipeline/request_gate.ts).
  const extra = { type: "phase.start", phase: "coder", taskId: 5, server: "desk" } as const;
  assert.equal(describeEvent(extra).text, "coder started (task #5) on desk, next for a slot");
  assert.equal(
    describeEvent({ type: "phase.start", phase: "coder", taskId: 4 }).text,
    "coder started (task #4)",
  );
});
