import assert from "node:assert/strict";
import { join } from "node:path";
import { EventBus } from "../events/bus.ts";
import { attachUi } from "./attach.ts";
import { memoryOutput } from "./output.ts";

const fixedBus = () => new EventBus(() => new Date("2025-01-02T03:04:05.000Z"));

Deno.test("attachUi() in json mode prints only NDJSON on stdout", () => {
  const bus = fixedBus();
  const output = memoryOutput();
  const ui = attachUi(bus, { mode: "json", output });
  bus.emit({ type: "log", level: "warn", message: "careful" });
  ui.close();
  bus.emit({ type: "log", level: "info", message: "after close" });
  assert.deepEqual(output.stdout.map((l) => JSON.parse(l).message), ["careful"]);
  assert.deepEqual(output.stderr, []);
});

Deno.test("attachUi() falls back to the plain log when dashboard frames cannot go to a TTY", () => {
  const bus = fixedBus();
  const output = memoryOutput();
  const ui = attachUi(bus, {
    mode: "dashboard",
    output,
    frames: { isTty: false, write: () => assert.fail("no frames expected") },
  });
  bus.emit({ type: "sandbox.status", line: "bwrap" });
  ui.close();
  assert.equal(output.stdout.length, 1);
  assert.match(output.stdout[0]!, /^\d\d:\d\d:\d\d sandbox: bwrap$/);
});

Deno.test("attachUi() draws the dashboard on a TTY and writes the run log", () => {
  const dir = Deno.makeTempDirSync({ prefix: "lao_attach_" });
  try {
    const bus = fixedBus();
    const output = memoryOutput();
    const frames: string[] = [];
    const runLogPath = join(dir, ".lao", "runs", "r.jsonl");
    const ui = attachUi(bus, {
      mode: "dashboard",
      output,
      frames: { isTty: true, write: (t) => void frames.push(t) },
      runLogPath,
    });
    bus.emit({ type: "sandbox.status", line: "bwrap" });
    bus.emit({ type: "sandbox.status", line: "bwrap ready" });
    ui.close();
    assert.ok(frames.at(-1)?.includes("sandbox bwrap ready"));
    assert.deepEqual(output.stdout, []);
    const logged = Deno.readTextFileSync(runLogPath).trimEnd().split("\n");
    assert.equal(logged.length, 2);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
