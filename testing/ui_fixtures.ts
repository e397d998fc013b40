/**
 * Test fixtures for the UI tests: stamped events and a small sample run.
 *
 * @module
 */
import type { LaoEvent } from "../src/events/types.ts";

/** A stamped event, as listeners receive it. */
export type Stamped = LaoEvent & { at: string };

/** ISO time of today's local `h:m:s` (so `clock()` shows exactly that). */
export function localAt(h: number, m: number, s: number): string {
  return new Date(2025, 0, 2, h, m, s).toISOString();
}

/** Stamps `event` at local `12:03:<second>`. */
export function at(second: number, event: LaoEvent): Stamped {
  return { ...event, at: localAt(12, 3, second) };
}

/** A short run: one plan, two tasks (one completed, one failed), two model loads. */
export function sampleRun(): Stamped[] {
  return [
    at(0, { type: "plan.registered", planId: "p1", filename: "greeting.md" }),
    at(1, { type: "plan.status", planId: "p1", from: null, to: "decomposing" }),
    at(2, {
      type: "model.load",
      role: "planner",
      model: "qwen/qwen3-8b",
      seconds: 1.5,
      swap: false,
    }),
    at(3, {
      type: "llm.call",
      role: "planner",
      model: "qwen/qwen3-8b",
      promptTokens: 1000,
      completionTokens: 200,
      seconds: 3,
      ok: true,
    }),
    at(4, { type: "task.transition", taskId: 1, planId: "p1", from: null, to: "pending" }),
    at(4, { type: "task.transition", taskId: 2, planId: "p1", from: null, to: "pending" }),
    at(5, { type: "plan.status", planId: "p1", from: "decomposing", to: "active" }),
    at(6, { type: "model.unload", model: "qwen/qwen3-8b", seconds: 0.2 }),
    at(7, { type: "memory.gate", reason: "released", seconds: 0.3, freedBytes: 8 * 1024 ** 3 }),
    at(8, {
      type: "model.load",
      role: "coder",
      model: "qwen/qwen3-coder-30b",
      seconds: 2.1,
      swap: true,
    }),
    at(9, { type: "phase.start", phase: "coder", planId: "p1", taskId: 1 }),
    at(10, { type: "task.transition", taskId: 1, planId: "p1", from: "pending", to: "coding" }),
    at(11, {
      type: "llm.call",
      role: "coder",
      model: "qwen/qwen3-coder-30b",
      promptTokens: 3000,
      completionTokens: 500,
      seconds: 9,
      ok: true,
    }),
    at(12, { type: "task.transition", taskId: 1, planId: "p1", from: "coding", to: "coded" }),
    at(13, { type: "task.transition", taskId: 1, planId: "p1", from: "coded", to: "completed" }),
    at(14, { type: "task.transition", taskId: 2, planId: "p1", from: "pending", to: "failed" }),
  ];
}
