import assert from "node:assert/strict";
import type { RunCommand } from "../validate/command_runner.ts";
import { warnUnavailableOnce } from "./unavailable_commands.ts";

Deno.test("warnUnavailableOnce() warns once per command that cannot start, across workspaces", async () => {
  const codes: Record<string, number> = { "ruff check .": 127, "./lint.sh": 126, "pytest": 1 };
  const port = (_ws: string): RunCommand => (command) =>
    Promise.resolve({ exitCode: codes[command] ?? 0, output: "" });
  const warnings: string[] = [];
  const ports = warnUnavailableOnce(port, (m) => warnings.push(m));
  for (const ws of ["/a", "/b"]) {
    const run = ports(ws)!;
    for (const command of ["ruff check .", "./lint.sh", "pytest", "true"]) {
      const result = await run(command, ws, 10);
      assert.equal(result.exitCode, codes[command] ?? 0, "results pass through");
    }
  }
  assert.deepEqual(warnings, [
    'validation command "ruff check ." cannot run in the sandbox (exit 127); tasks are not failed for it: make the tool visible (tools.shell.home_allow) or change the command',
    'validation command "./lint.sh" cannot run in the sandbox (exit 126); tasks are not failed for it: make the tool visible (tools.shell.home_allow) or change the command',
  ]);
});

Deno.test("warnUnavailableOnce() warns once for a command that throws, and rethrows", async () => {
  const warnings: string[] = [];
  const ports = warnUnavailableOnce(
    () => () => Promise.reject(new Error("refused by the rules")),
    (m) => warnings.push(m),
  );
  for (let i = 0; i < 2; i++) {
    await assert.rejects(ports("/a")!("make", "/a", 10), /refused by the rules/);
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /"make" cannot run in the sandbox \(refused by the rules\)/);
  assert.equal(warnUnavailableOnce(() => undefined, () => {})("/a"), undefined);
});
