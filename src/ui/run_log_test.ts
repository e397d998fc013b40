import assert from "node:assert/strict";
import { join } from "node:path";
import { EventBus } from "../events/bus.ts";
import { runLogFile, runLogPath } from "./run_log.ts";
import { sampleRun } from "../../testing/ui_fixtures.ts";

Deno.test("runLogPath() puts a file-name-safe timestamp under .lao/runs", () => {
  const path = runLogPath("/proj", new Date("2025-01-02T03:04:05.678Z"));
  assert.equal(path, join("/proj", ".lao", "runs", "2025-01-02T03-04-05Z.jsonl"));
});

Deno.test("runLogFile() creates the folder and has every line on disk before close", () => {
  const dir = Deno.makeTempDirSync({ prefix: "lao_run_log_" });
  try {
    const path = runLogPath(dir, new Date("2025-01-02T03:04:05Z"));
    const log = runLogFile(path);
    const events = sampleRun();
    for (const e of events) log.listener(e);
    // Written synchronously: readable before close, as after a crash.
    const lines = Deno.readTextFileSync(path).trimEnd().split("\n");
    assert.equal(lines.length, events.length);
    assert.deepEqual(JSON.parse(lines[0]!), { v: 1, ...events[0] });
    log.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("runLogFile() appends to an existing log and ignores events after close", () => {
  const dir = Deno.makeTempDirSync({ prefix: "lao_run_log_" });
  try {
    const path = join(dir, "run.jsonl");
    Deno.writeTextFileSync(path, '{"v":1,"type":"log"}\n');
    const bus = new EventBus();
    const log = runLogFile(path);
    bus.subscribe(log.listener);
    bus.emit({ type: "sandbox.status", line: "bwrap ok" });
    log.close();
    log.close();
    bus.emit({ type: "sandbox.status", line: "late" });
    const lines = Deno.readTextFileSync(path).trimEnd().split("\n");
    assert.equal(lines.length, 2);
    assert.equal(JSON.parse(lines[1]!).line, "bwrap ok");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
