/**
 * Commands whose capabilities live in other modules (run, health, preflight,
 * report, undo, log, sandbox, demo). Registered here so main.ts stays small.
 *
 * @module
 */
import type { Command } from "commander";
import { NotImplementedError } from "../../errors.ts";
import type { CliContext } from "../context.ts";

type Action = (ctx: CliContext, opts: Record<string, unknown>, args: string[]) =>
  | number
  | Promise<number>;

/** Adds the pipeline, model-server, git and sandbox commands. */
export function registerExtraCommands(
  program: Command,
  run: (action: Action) => (...a: unknown[]) => Promise<void>,
): void {
  const later = (name: string) =>
    run(() => {
      throw new NotImplementedError(name);
    });
  program.command("run").description("watch plans and process the queue").action(later("run"));
  program.command("health").description("check the model server and configured models")
    .option("--json", "print one JSON document").action(later("health"));
  program.command("preflight").description("print the architect's chunking report for a plan")
    .action(later("preflight"));
  program.command("report").description("find and check quality reports").argument("[action]")
    .option("--file <path>").action(later("report"));
}
