import assert from "node:assert/strict";
import { checkPassed, formatCheckTable, runSandboxCheck } from "./check.ts";
import { probeSandbox, realProbeDeps } from "./probe.ts";

const backend = await probeSandbox(realProbeDeps());

Deno.test({
  name: "runSandboxCheck() passes every row under bwrap",
  ignore: backend.kind !== "bwrap",
  fn: async () => {
    const rows = await runSandboxCheck({ backend, statusLine: "sandbox: bwrap" });
    assert.ok(rows.length >= 15, formatCheckTable(rows));
    assert.ok(checkPassed(rows), formatCheckTable(rows));
  },
});

Deno.test("runSandboxCheck() reports the gaps when commands run unsandboxed", async () => {
  const rows = await runSandboxCheck({
    backend: { kind: "none", reason: "test" },
    statusLine: "sandbox: none (test)",
  });
  assert.equal(checkPassed(rows), false);
  const failed = rows.filter((r) => !r.ok).map((r) => r.name);
  assert.ok(failed.includes("write outside the workspace"));
  assert.ok(failed.includes("write through a planted symlink"));
  // The environment allowlist still holds without a sandbox.
  assert.ok(!failed.includes("secret environment variables"));
  assert.match(formatCheckTable(rows), /write outside the workspace\s+blocked\s+FAIL/);
});
