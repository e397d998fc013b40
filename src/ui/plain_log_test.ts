import assert from "node:assert/strict";
import { EventBus } from "../events/bus.ts";
import { at, localAt } from "../../testing/ui_fixtures.ts";
import { memoryOutput } from "./output.ts";
import { plainLine, plainLog } from "./plain_log.ts";

Deno.test("plainLog() prints one timestamped line per event on stdout", () => {
  const output = memoryOutput();
  const bus = new EventBus(() => new Date(localAt(12, 3, 5)));
  bus.subscribe(plainLog(output, { color: false, verbose: false }));
  bus.emit({
    type: "model.load",
    role: "coder",
    model: "qwen/qwen3-coder-30b",
    seconds: 2.1,
    swap: true,
  });
  bus.emit({ type: "memory.gate", reason: "released", seconds: 0.3, freedBytes: 0 });
  assert.deepEqual(output.stdout, [
    "12:03:05 model coder loaded qwen/qwen3-coder-30b in 2.1s (swap)",
    "12:03:05 memory gate: released after 0.3s",
  ]);
  assert.deepEqual(output.stderr, []);
});

Deno.test("plainLog() sends warnings and errors to stderr with a label", () => {
  const output = memoryOutput();
  const log = plainLog(output, { color: false, verbose: false });
  log(at(1, { type: "log", level: "warn", source: "git", message: "not a repository" }));
  log(at(2, { type: "log", level: "error", message: "planner crashed" }));
  assert.deepEqual(output.stderr, [
    "12:03:01 warning: [git] not a repository",
    "12:03:02 error: planner crashed",
  ]);
  assert.deepEqual(output.stdout, []);
});

Deno.test("plainLog() shows debug lines only when verbose", () => {
  const debug = at(3, { type: "log", level: "debug", message: "prompt has 812 tokens" });
  const quiet = memoryOutput();
  plainLog(quiet, { color: false, verbose: false })(debug);
  assert.deepEqual(quiet.stdout, []);
  const loud = memoryOutput();
  plainLog(loud, { color: false, verbose: true })(debug);
  assert.deepEqual(loud.stdout, ["12:03:03 debug: prompt has 812 tokens"]);
});

Deno.test("plainLine() colours errors red and leaves text unchanged without colour", () => {
  const event = at(4, { type: "log", level: "error", message: "boom" });
  const coloured = plainLine(event, { color: true, verbose: false });
  assert.ok(coloured?.line.includes("\x1b[31merror: boom\x1b[39m"));
  assert.equal(plainLine(event, { color: false, verbose: false })?.line, "12:03:04 error: boom");
});

Deno.test("plainLog() names plans by their filename once registered", () => {
  const output = memoryOutput();
  const log = plainLog(output, { color: false, verbose: false });
  log(at(0, { type: "plan.registered", planId: "p1", filename: "greeting.md" }));
  log(at(1, { type: "plan.status", planId: "p1", from: "decomposing", to: "active" }));
  assert.deepEqual(output.stdout, [
    "12:03:00 plan greeting.md registered",
    "12:03:01 plan greeting.md decomposing → active",
  ]);
});

Deno.test("plainLog() prints a memory-gate wait once per 10 seconds, whatever the poll interval", () => {
  const output = memoryOutput();
  const log = plainLog(output, { color: false, verbose: false });
  const GB = 1024 ** 3;
  for (const seconds of [0, 0.5, 9.5, 10, 10.5, 11, 19.5, 20.2, 20.7]) {
    log(at(1, { type: "memory.wait", availableBytes: 3 * GB, targetBytes: 8 * GB, seconds }));
  }
  assert.deepEqual(output.stdout.map((l) => l.replace(/^\S+ /, "")), [
    "waiting for memory: 3.0 GB of 8.0 GB available after 0.0s",
    "waiting for memory: 3.0 GB of 8.0 GB available after 10s",
    "waiting for memory: 3.0 GB of 8.0 GB available after 20s",
  ]);
  // The next wait starts its own count.
  log(at(2, { type: "memory.gate", reason: "released", seconds: 21, freedBytes: 8 * GB }));
  log(at(3, { type: "memory.wait", availableBytes: 3 * GB, targetBytes: 8 * GB, seconds: 0.5 }));
  assert.equal(output.stdout.length, 5);
});
