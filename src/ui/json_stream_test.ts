import assert from "node:assert/strict";
import { EventBus } from "../events/bus.ts";
import { eventLine, jsonStream } from "./json_stream.ts";
import { sampleRun } from "../../testing/ui_fixtures.ts";

Deno.test("jsonStream() writes one JSON object per event, starting with v, at and type", () => {
  const lines: string[] = [];
  const bus = new EventBus(() => new Date("2025-01-02T03:04:05.000Z"));
  bus.subscribe(jsonStream((l) => lines.push(l)));
  bus.emit({ type: "model.load", role: "coder", model: "q", seconds: 2.1, swap: true });
  assert.equal(lines.length, 1);
  assert.equal(
    lines[0],
    '{"v":1,"at":"2025-01-02T03:04:05.000Z","type":"model.load","role":"coder","model":"q","seconds":2.1,"swap":true}',
  );
});

Deno.test("eventLine() keeps every field and round-trips through JSON.parse", () => {
  for (const event of sampleRun()) {
    const line = eventLine(event);
    assert.ok(!line.includes("\n"));
    assert.deepEqual(JSON.parse(line), { v: 1, ...event });
  }
});

Deno.test("eventLine() omits absent optional fields but keeps from: null", () => {
  const parsed = JSON.parse(eventLine({
    type: "task.transition",
    taskId: 1,
    planId: "p",
    from: null,
    to: "pending",
    reason: undefined,
    at: "2025-01-02T00:00:00.000Z",
  }));
  assert.equal("reason" in parsed, false);
  assert.equal(parsed.from, null);
});
