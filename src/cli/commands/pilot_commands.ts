/**
 * Registers `lao pilot`, `lao projects` and `lao configure-models`.
 *
 * @module
 */
import type { Command } from "commander";
import type { Action } from "../context.ts";

/** Adds the three commands to `program`. */
export function registerPilotCommands(
  program: Command,
  run: (action: Action) => (...a: unknown[]) => Promise<void>,
): void {
  program.command("pilot").description(
    "chat with the pilot model: inspect the pipeline, change files, write plans, /resume the run",
  )
    .option("--resume", "continue the last conversation (it is shown first)")
    .option("--json", "print every event as one JSON line (for scripts)")
    .action(run(async (ctx, opts) => (await import("./pilot.ts")).pilotCommand(ctx, opts)));

  program.command("projects").description(
    "known LAO projects: list, scan [DIR], add [DIR], use NAME, remove NAME, needs-action",
  )
    .argument("[sub]", "list (default), scan, add, use, remove or needs-action")
    .argument("[arg]", "a folder or project name")
    .option("--json", "print JSON")
    .action(
      run(async (ctx, opts, args) =>
        (await import("./projects.ts")).projectsCommand(ctx, opts, args)
      ),
    );

  program.command("configure-models").description(
    "pick each role's model from the server's list; edits factory.yaml in place, comments kept",
  )
    .option("--role <role>", "only this role (planner, coder, reviewer, embedder, pilot)")
    .option("--key <key>", "the model key for --role (no questions)")
    .action(
      run(async (ctx, opts) =>
        (await import("./configure_models.ts")).configureModelsCommand(ctx, {
          ...(typeof opts.role === "string" ? { role: opts.role } : {}),
          ...(typeof opts.key === "string" ? { key: opts.key } : {}),
        })
      ),
    );
}
