/**
 * Commands whose capabilities live in other modules (run, health, preflight,
 * report, undo, log, demo). Registered here so main.ts stays small.
 *
 * @module
 */
import type { Command } from "commander";
import type { Action } from "../context.ts";
import { demoCommand } from "./demo.ts";
import { logCommand, undoCommand } from "./git_commands.ts";
import { healthCommand } from "./health.ts";
import { preflightCommand } from "./preflight.ts";
import { reportCommand } from "./report.ts";
import { runCommand } from "./run.ts";
import { sandboxCommand } from "./sandbox.ts";

/** Adds the pipeline, model-server, git and demo commands. */
export function registerExtraCommands(
  program: Command,
  run: (action: Action) => (...a: unknown[]) => Promise<void>,
): void {
  program.command("run").description("watch plans and process the queue")
    .option("--json", "print events as JSON lines (NDJSON)")
    .action(run((ctx, opts) => runCommand(ctx, { json: opts.json === true })));
  program.command("health").description("check the model server and configured models")
    .option("--json", "print one JSON document")
    .action(run((ctx, opts) => healthCommand(ctx, { json: opts.json === true })));
  program.command("preflight").description("print the architect's chunking report for --plan")
    .option("--json", "print one JSON document")
    .action(run((ctx, opts) => preflightCommand(ctx, { json: opts.json === true })));
  program.command("report").description("list, check or migrate quality reports")
    .argument("[action]", "list (default), check or migrate")
    .option("--file <path>", "one report file instead of every plan's")
    .action(run((ctx, opts, args) =>
      reportCommand(ctx, args[0], {
        ...(typeof opts.file === "string" ? { file: opts.file } : {}),
      })
    ));
  program.command("undo").description("revert a task's commits and put it back to pending")
    .argument("<task-id>", "a task id as `lao status` and `lao log` show it (e.g. 7)")
    .option("--note <text>", "feedback for the next attempt")
    .action(
      run((ctx, opts, args) =>
        undoCommand(ctx, args[0]!, typeof opts.note === "string" ? { note: opts.note } : {})
      ),
    );
  program.command("log").description("a plan's LAO commits with task ids and verdicts")
    .argument("[plan]", "plan file name or stem (example_plan.md, example_plan), or plan id")
    .action(run((ctx, _opts, args) => logCommand(ctx, args[0])));
  program.command("sandbox").description("check the shell sandbox with live self-tests")
    .argument("[action]", "check (default)").option("--json", "print one JSON document")
    .action(run((ctx, opts, args) => sandboxCommand(ctx, args[0], { json: opts.json === true })));
  program.command("demo").description("run the example plan offline from a recorded session")
    .action(run((ctx) => demoCommand(ctx)));
}
