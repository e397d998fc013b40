import assert from "node:assert/strict";
import { captureOutput } from "../../testing/capture_output.ts";
import type { Command } from "commander";
import { applicableGlobals, COMMAND_GLOBALS } from "./help.ts";
import { buildProgram, main } from "./main.ts";

function program(): Command {
  const output = captureOutput();
  return buildProgram(
    { cwd: "/tmp", env: () => undefined, output },
    () => () => Promise.resolve(),
  );
}

Deno.test("every command's --help lists its own options and the global options that apply", () => {
  const root = program();
  for (const cmd of root.commands) {
    const help = cmd.helpInformation();
    for (const o of cmd.options) assert.ok(help.includes(o.flags), `${cmd.name()}: ${o.flags}`);
    for (const o of applicableGlobals(cmd)) {
      assert.ok(help.includes(o.flags), `${cmd.name()} --help lacks ${o.flags}`);
    }
    for (const a of cmd.registeredArguments) {
      assert.ok(a.description !== "", `${cmd.name()}: argument <${a.name()}> has no description`);
    }
    if (cmd.name() in COMMAND_GLOBALS) continue;
    // Commands that are not built yet take no global options.
    assert.match(cmd.description(), /not built yet/, `${cmd.name()} is missing in COMMAND_GLOBALS`);
  }
});

Deno.test("lao run --help lists the run options that used to appear only at the top level", () => {
  const run = program().commands.find((c) => c.name() === "run")!;
  const help = run.helpInformation();
  for (const flag of ["--single-run", "--plan <path>", "--plain", "--architect-only", "--json"]) {
    assert.ok(help.includes(flag), flag);
  }
  assert.equal(help.split("--json").length - 1, 1, "--json listed twice");
});

Deno.test("every global option applies to at least one command and every command has a description", () => {
  const root = program();
  const used = new Set(Object.values(COMMAND_GLOBALS).flat());
  for (const o of root.options) {
    if (o.long === "--version") continue; // lao --version is its own action
    assert.ok(used.has(o.attributeName()), o.flags);
  }
  for (const cmd of root.commands) assert.notEqual(cmd.description(), "", cmd.name());
});

Deno.test("lao --json version and lao version --json print the same document", async () => {
  const a = captureOutput();
  const b = captureOutput();
  assert.equal(await main(["--json", "version"], { output: a, cwd: "/tmp" }), 0);
  assert.equal(await main(["version", "--json"], { output: b, cwd: "/tmp" }), 0);
  assert.deepEqual(a.lines, b.lines);
  assert.equal(JSON.parse(a.lines.join("\n")).permissions.set, "lao");
});
