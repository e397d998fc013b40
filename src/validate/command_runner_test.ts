import assert from "node:assert/strict";
import { runValidationCommands } from "./command_runner.ts";

Deno.test("runValidationCommands() caps stored output and fix hints", async () => {
  const output = "x".repeat(5000);
  const { findings, runs } = await runValidationCommands(
    [{ kind: "build", command: "make", origin: "config" }],
    { runCommand: () => Promise.resolve({ exitCode: 2, output }), cwd: "/ws" },
  );
  assert.equal(runs[0]?.output.length, 4000);
  assert.equal(findings[0]?.fix_hint?.length, 400);
  assert.equal(findings[0]?.message, 'build command "make" exited with code 2');
  assert.equal(findings[0]?.analyzer_id, "command:build");
});

Deno.test("runValidationCommands() records a command that cannot start as a failed run and a setup note", async () => {
  const { findings, runs } = await runValidationCommands(
    [{ kind: "lint", command: "eslint .", origin: "inferred" }],
    { runCommand: () => Promise.reject(new Error("sandbox refused")), cwd: "/ws" },
  );
  assert.equal(runs[0]?.exitCode, null);
  assert.equal(runs[0]?.success, false);
  assert.equal(runs[0]?.output, 'Cannot run "eslint .": sandbox refused');
  assert.equal(findings[0]?.severity, "info");
  assert.equal(findings[0]?.issue_class, "validation_command_unavailable");
  assert.equal(
    findings[0]?.message,
    'lint command "eslint ." could not run here (it did not start)',
  );
});

Deno.test("runValidationCommands() treats command-not-found as the machine's problem, not the code's", async () => {
  const { findings, runs } = await runValidationCommands(
    [
      { kind: "test", command: "pytest -q", origin: "inferred" },
      { kind: "build", command: "make", origin: "config" },
    ],
    {
      runCommand: (command) =>
        Promise.resolve(
          command === "make"
            ? { exitCode: 2, output: "error" }
            : { exitCode: 127, output: "sh: pytest: not found" },
        ),
      cwd: "/ws",
    },
  );
  assert.deepEqual(runs.map((r) => r.success), [false, false]);
  assert.deepEqual(findings.map((f) => [f.severity, f.issue_class]), [
    ["info", "validation_command_unavailable"],
    ["major", "build_command_failed"],
  ]);
});

Deno.test("runValidationCommands() reports nothing for a passing command", async () => {
  const { findings, runs } = await runValidationCommands(
    [{ kind: "test", command: "deno test", origin: "inferred" }],
    { runCommand: () => Promise.resolve({ exitCode: 0, output: "ok" }), cwd: "/ws" },
  );
  assert.deepEqual(findings, []);
  assert.equal(runs[0]?.success, true);
});
