import assert from "node:assert/strict";
import { ExitCode, UserError } from "../../src/errors.ts";
import { probeSandbox, realProbeDeps } from "../../src/sandbox/probe.ts";
import { authorizeCommand, decideSandbox } from "../../src/sandbox/policy.ts";
import type { LaoEvent } from "../../src/events/types.ts";

const NO_RULES = { allow: [], ask: [], deny: [] };

Deno.test("probe: a PATH without bwrap gives no sandbox and says why", async () => {
  const backend = await probeSandbox({ ...realProbeDeps("/nonexistent-bin"), os: "linux" });
  assert.equal(backend.kind, "none");
  assert.ok(backend.kind === "none");
  assert.match(backend.reason, /bwrap not found on PATH/);
});

Deno.test("probe: bwrap that cannot create namespaces is reported with its error", async () => {
  const backend = await probeSandbox({
    os: "linux",
    path: "/usr/bin",
    isExecutable: (f) => Promise.resolve(f === "/usr/bin/bwrap"),
    run: () =>
      Promise.resolve({ code: 1, stderr: "bwrap: setting up uid map: Permission denied\n" }),
  });
  assert.ok(backend.kind === "none");
  assert.match(backend.reason, /setting up uid map/);
  assert.match(backend.remedy ?? "", /user namespaces/);
});

Deno.test("policy: auto without a sandbox reports the reason in the status line", async () => {
  const events: LaoEvent[] = [];
  const d = await decideSandbox({ sandbox: "auto", network: false }, {
    probe: () => probeSandbox({ ...realProbeDeps("/nonexistent-bin"), os: "linux" }),
    isTty: true,
    emit: (e) => events.push(e),
  });
  assert.equal(
    d.statusLine,
    "sandbox: none (bwrap not found on PATH; install it: sudo apt install bubblewrap)",
  );
  assert.deepEqual(events, [{ type: "sandbox.status", line: d.statusLine }]);
  assert.equal(d.shellEnabled, true);
  assert.equal(d.confirmEachCommand, true);
});

Deno.test("policy: required without a sandbox fails with exit code 78 and the reason", async () => {
  await assert.rejects(
    decideSandbox({ sandbox: "required", network: false }, {
      probe: () => Promise.resolve({ kind: "none", reason: "bwrap not found on PATH" }),
      isTty: true,
    }),
    (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.equal(err.exitCode, ExitCode.Unavailable);
      assert.match(err.message, /bwrap not found on PATH/);
      return true;
    },
  );
});

Deno.test("policy: no sandbox and no TTY disables the shell tool with a reason for the model", async () => {
  const d = await decideSandbox({ sandbox: "auto", network: false }, {
    probe: () => Promise.resolve({ kind: "none", reason: "bwrap not found on PATH" }),
    isTty: false,
  });
  assert.equal(d.shellEnabled, false);
  const auth = await authorizeCommand("ls", d, NO_RULES);
  assert.ok(!auth.ok);
  assert.match(auth.message, /shell tool is disabled/);
});

Deno.test("policy: off is explicit, never probes, warns, and keeps the shell without a TTY", async () => {
  const d = await decideSandbox({ sandbox: "off", network: false }, {
    probe: () => Promise.reject(new Error("must not probe")),
    isTty: false,
  });
  assert.equal(d.shellEnabled, true);
  assert.match(d.warnings[0] ?? "", /sandbox is off/);
  assert.match(d.statusLine, /^sandbox: off/);
  assert.deepEqual(await authorizeCommand("ls", d, NO_RULES), { ok: true });
});

Deno.test("policy: a working bwrap runs commands without asking", async () => {
  const d = await decideSandbox({ sandbox: "required", network: false }, {
    probe: () => Promise.resolve({ kind: "bwrap", path: "/usr/bin/bwrap" }),
    isTty: false,
  });
  assert.equal(d.statusLine, "sandbox: bwrap (workspace-write, host hidden, net off)");
  assert.deepEqual(await authorizeCommand("make test", d, NO_RULES), { ok: true });
});
