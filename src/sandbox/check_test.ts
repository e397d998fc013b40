import assert from "node:assert/strict";
import { checkPassed, formatCheckTable, runSandboxCheck } from "./check.ts";

// Every row passing under bwrap is tests/cli_run_test.ts's `lao sandbox check` (one full check).

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
