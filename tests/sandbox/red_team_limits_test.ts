/**
 * Red team, "no limit holds" (issue 9, class 4), through LAO's real shell
 * runner: processes, memory, file size, workspace growth, the timeout the
 * model asks for, and a full disk under the shell log. Limits are set small
 * here so each bomb is held quickly; the bombs themselves are bounded, so a
 * broken limit fails the test instead of taking the machine down.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { probeSandbox, realProbeDeps } from "../../src/sandbox/probe.ts";
import {
  formatShellResult,
  ShellRunner,
  type ShellRunnerOptions,
} from "../../src/sandbox/shell.ts";
import { sandboxStatusLine } from "../../src/sandbox/status.ts";
import { makeFixture } from "./fixture.ts";

const backend = await probeSandbox(realProbeDeps());
const ignore = backend.kind !== "bwrap" || backend.prlimit === undefined;

function runner(root: string, extra: Partial<ShellRunnerOptions> = {}): ShellRunner {
  return new ShellRunner({
    root,
    backend,
    network: false,
    statusLine: sandboxStatusLine({ backend, mode: "auto", network: false }),
    killGraceMs: 200,
    ...extra,
  });
}

Deno.test({
  name: "limits (bwrap): a process bomb is held at the process limit, as root too",
  ignore,
  fn: async () => {
    await using fx = await makeFixture();
    const r = await runner(fx.ws, { limits: { processes: 32 } }).run({
      command: "i=0; while [ $i -lt 400 ]; do sleep 60 & i=$((i+1)); done; echo ALL-STARTED",
      timeoutMs: 60_000,
    });
    assert.doesNotMatch(r.output, /ALL-STARTED/);
    assert.notEqual(r.exitCode, 0);
    assert.equal(r.timedOut, false);
  },
});

Deno.test({
  name: "limits (bwrap): a memory bomb fails to allocate past the memory limit",
  ignore,
  fn: async () => {
    await using fx = await makeFixture();
    const r = await runner(fx.ws, { limits: { memoryBytes: 512 * 1024 ** 2 } }).run({
      command: `python3 -c "b = bytearray(3 * 1024 ** 3); print('ALLOCATED')"`,
      timeoutMs: 60_000,
    });
    assert.doesNotMatch(r.output, /ALLOCATED/);
    assert.match(r.output, /MemoryError/);
    assert.notEqual(r.exitCode, 0);
  },
});

Deno.test({
  name: "limits (bwrap): memory is capped across processes (4 x 150 MB under a 256 MiB cap)",
  ignore,
  fn: async () => {
    await using fx = await makeFixture();
    // Each process alone fits in the per-process limit; together they pass the cap.
    const hog =
      `import time; b = b"x" * (150 * 1024 * 1024); print("HOLDING", flush=True); time.sleep(10)`;
    const r = await runner(fx.ws, { limits: { memoryBytes: 256 * 1024 ** 2 } }).run({
      command: `for i in 1 2 3 4; do python3 -c '${hog}' & done; wait; echo ALL-DONE`,
      timeoutMs: 60_000,
    });
    const held = (r.output.match(/HOLDING/g) ?? []).length;
    assert.ok(held < 4, `all four processes held 150 MB at once:\n${r.output}`);
    assert.doesNotMatch(r.output, /ALL-DONE/);
    assert.equal(r.timedOut, false);
    assert.notEqual(r.exitCode, 0);
    assert.match(
      formatShellResult(r),
      /note: stopped: the memory limit \(256 MiB for the whole command\) was reached/,
    );
  },
});

Deno.test({
  name: "limits (bwrap): a big file stops at the file size limit and the model is told",
  ignore,
  fn: async () => {
    await using fx = await makeFixture();
    const r = await runner(fx.ws, { limits: { fileSizeBytes: 1024 ** 2 } }).run({
      command: "head -c 20000000 /dev/zero > big.bin",
      timeoutMs: 60_000,
    });
    assert.notEqual(r.exitCode, 0);
    assert.ok((await Deno.stat(join(fx.ws, "big.bin"))).size <= 1024 ** 2);
    assert.match(formatShellResult(r), /note: a file reached the file size limit \(1 MiB\)/);
  },
});

Deno.test({
  name: "limits (bwrap): a workspace growth bomb is stopped and reported",
  ignore,
  fn: async () => {
    await using fx = await makeFixture();
    const r = await runner(fx.ws, {
      limits: { fileSizeBytes: 1024 ** 2, workspaceGrowthBytes: 4 * 1024 ** 2 },
    }).run({
      command: "i=0; while :; do head -c 500000 /dev/zero > f$i; i=$((i+1)); done",
      timeoutMs: 120_000,
    });
    assert.equal(r.timedOut, false);
    assert.match(
      formatShellResult(r),
      /note: stopped: the workspace grew by more than 4 MiB in this command/,
    );
  },
});

Deno.test({
  name: "limits (bwrap): /tmp is a size-capped private tmpfs",
  ignore,
  fn: async () => {
    await using fx = await makeFixture();
    const r = await runner(fx.ws, { limits: { tmpfsBytes: 1024 ** 2 } }).run({
      command: "head -c 5000000 /dev/zero > /tmp/fill; echo rc=$?; wc -c < /tmp/fill",
      timeoutMs: 60_000,
    });
    assert.match(r.output, /No space left on device/);
    assert.match(r.output, /^1048576$/m);
  },
});

Deno.test({
  name: "limits: the model's timeout (3600 s) is cut to tools.shell.timeout_s",
  ignore: backend.kind !== "bwrap",
  fn: async () => {
    await using fx = await makeFixture();
    const r = await runner(fx.ws, { maxTimeoutMs: 1000 }).run({
      command: "sleep 30",
      timeoutMs: 3600 * 1000,
    });
    assert.equal(r.timedOut, true);
    assert.match(
      formatShellResult(r),
      /note: timeout lowered from 3600 s to 1 s \(tools.shell.timeout_s\)/,
    );
  },
});

Deno.test("limits: a full disk under the shell log gives a note, and the result is still returned", async () => {
  await using fx = await makeFixture();
  const enospc = () => Promise.reject(new Error("No space left on device (os error 28)"));
  const full = runner(fx.ws, {
    backend: { kind: "none", reason: "test" },
    openLog: () => Promise.resolve({ write: enospc, close: () => {} }),
  });
  const r = await full.run({ command: "echo hello", timeoutMs: 10_000, logDir: fx.outside });
  assert.equal(r.exitCode, 0);
  assert.match(r.output, /hello/);
  assert.equal(r.logPath, undefined);
  assert.match(formatShellResult(r), /note: the full log is incomplete \(No space left on device/);

  const cannotOpen = runner(fx.ws, {
    backend: { kind: "none", reason: "test" },
    openLog: enospc,
  });
  const r2 = await cannotOpen.run({ command: "echo again", timeoutMs: 10_000, logDir: fx.outside });
  assert.match(r2.output, /again/);
  assert.match(formatShellResult(r2), /note: the full log was not written \(No space left/);
});
