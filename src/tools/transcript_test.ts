import assert from "node:assert/strict";
import { type TranscriptMessage, trimTranscript } from "./transcript.ts";

const size = (m: TranscriptMessage) => (m.content ?? "").length;
const sys: TranscriptMessage = { role: "system", content: "sys" };
const task: TranscriptMessage = { role: "user", content: "task" };
const call = (id: string): TranscriptMessage => ({
  role: "assistant",
  content: "",
  tool_calls: [{ id }],
});
const result = (id: string, content: string): TranscriptMessage => ({
  role: "tool",
  tool_call_id: id,
  content,
});

Deno.test("trimTranscript() keeps a transcript that fits unchanged", () => {
  const msgs = [sys, task, call("1"), result("1", "ok")];
  assert.deepEqual(trimTranscript(msgs, 100, size), msgs);
});

Deno.test("trimTranscript() elides old large tool results before dropping anything", () => {
  const big = "x".repeat(1000);
  const msgs = [sys, task, call("1"), result("1", big), call("2"), result("2", "small")];
  const out = trimTranscript(msgs, 200, size);
  assert.equal(out.length, 6);
  assert.equal(out[3]!.content, "[output elided: 1000 chars]");
  assert.equal(out[5]!.content, "small");
});

Deno.test("trimTranscript() drops whole tool groups and never the system prompt or the task", () => {
  const msgs = [
    sys,
    task,
    call("1"),
    result("1", "a".repeat(100)),
    call("2"),
    result("2", "b".repeat(100)),
  ];
  const out = trimTranscript(msgs, 120, size);
  assert.deepEqual(out, [sys, task, call("2"), result("2", "b".repeat(100))]);
});

Deno.test("trimTranscript() never leaves a tool result without its parent or a call without its results", () => {
  const parent: TranscriptMessage = {
    role: "assistant",
    content: "",
    tool_calls: [{ id: "a" }, { id: "b" }],
  };
  const msgs = [sys, task, result("orphan", "?"), parent, result("a", "1"), call("c")];
  const out = trimTranscript(msgs, 1000, size);
  assert.deepEqual(out, [sys, task]);
});
