import assert from "node:assert/strict";
import { DEFAULT_LIMITS } from "./host_view.ts";
import { formatBytes, limitNotes, timeoutNote } from "./limit_notes.ts";

Deno.test("a timeout above the cap gets a note naming tools.shell.timeout_s; one within it none", () => {
  assert.equal(
    timeoutNote(600_000, 120_000),
    "timeout lowered from 600 s to 120 s (tools.shell.timeout_s)",
  );
  assert.equal(timeoutNote(60_000, 120_000), undefined);
  assert.equal(timeoutNote(600_000, undefined), undefined);
});

Deno.test("exit 153 (SIGXFSZ) and 152 (SIGXCPU) say which limit was reached, with its size", () => {
  const l = { ...DEFAULT_LIMITS, fileSizeBytes: 1024 ** 2, cpuSeconds: 7 };
  assert.deepEqual(limitNotes(l, { exitCode: 153 }), [
    "a file reached the file size limit (1 MiB)",
  ]);
  assert.deepEqual(limitNotes(l, { exitCode: 152 }), [
    "the CPU time limit (7 s per process) was reached",
  ]);
  assert.deepEqual(limitNotes(l, { exitCode: 1, output: "fine" }), []);
  assert.equal(formatBytes(2 * 1024 ** 3), "2 GiB");
});
