/**
 * Registers the commands around a run: `run` itself, the model server
 * (`health`, `preflight`), its results (`report`, `undo`, `log`, and `diff`,
 * `merge`, `discard` for a plan on a worktree branch), `sandbox` and `demo`. Registered here so main.ts stays small; each command's module
 * is imported only when that command runs, so start-up loads none of them.
 *
 * @module
 */
import type { Command } from "commander";
import type { Action } from "../context.ts";

/** Adds the pipeline, model-server, git and demo commands. */
export function registerPipelineCommands(
  program: Command,
  run: (action: Action) => (...a: unknown[]) => Promise<void>,
): void {
  program.command("run").description("watch plans and process the queue")
    .option("--json", "print events as JSON lines (NDJSON)")
    .action(
      run(async (ctx, opts) =>
        (await import("./run.ts")).runCommand(ctx, { json: opts.json === true })
      ),
    );
  program.command("health").description("check the model server and configured models")
    .option("--json", "print one JSON document")
    .action(
      run(async (ctx, opts) =>
        (await import("./health.ts")).healthCommand(ctx, { json: opts.json === true })
      ),
    );
  program.command("preflight").description("print the architect's chunking report for --plan")
    .option("--json", "print one JSON document")
    .action(
      run(async (ctx, opts) =>
        (await import("./preflight.ts")).preflightCommand(ctx, { json: opts.json === true })
      ),
    );
  program.command("report").description("list, check or migrate quality reports")
    .argument("[action]", "list (default), check or migrate")
    .option("--file <path>", "one report file instead of every plan's")
    .action(
      run(async (ctx, opts, args) =>
        (await import("./report.ts")).reportCommand(ctx, args[0], {
          ...(typeof opts.file === "string" ? { file: opts.file } : {}),
        })
      ),
    );
  program.command("undo").description("revert a task's commits and put it back to pending")
    .argument("<task-id>", "a task id as `lao status` and `lao log` show it (e.g. 7)")
    .option("--note <text>", "feedback for the next attempt")
    .action(
      run(async (ctx, opts, args) =>
        (await import("./git_commands.ts")).undoCommand(
          ctx,
          args[0]!,
          typeof opts.note === "string" ? { note: opts.note } : {},
        )
      ),
    );
  program.command("log").description("a plan's LAO commits with task ids and verdicts")
    .argument("[plan]", "plan file name or stem (example_plan.md, example_plan), or plan id")
    .action(
      run(async (ctx, _opts, args) => (await import("./git_commands.ts")).logCommand(ctx, args[0])),
    );
  program.command("diff").description("show what a plan's branch lao/<stem> changed")
    .argument("<plan>", "plan file name or stem, or plan id")
    .option("--stat", "only the changed files and line counts")
    .action(
      run(async (ctx, opts, args) =>
        (await import("./diff.ts")).diffCommand(ctx, args[0]!, { stat: opts.stat === true })
      ),
    );
  program.command("merge").description("merge a plan's branch into your current branch")
    .argument("<plan>", "plan file name or stem, or plan id")
    .action(
      run(async (ctx, _opts, args) => (await import("./merge.ts")).mergeCommand(ctx, args[0]!)),
    );
  program.command("discard").description("remove a plan's worktree and branch")
    .argument("<plan>", "plan file name or stem, or plan id")
    .action(
      run(async (ctx, _opts, args) => (await import("./discard.ts")).discardCommand(ctx, args[0]!)),
    );
  program.command("sandbox").description("check the shell sandbox with live self-tests")
    .argument("[action]", "check (default)").option("--json", "print one JSON document")
    .action(
      run(async (ctx, opts, args) =>
        (await import("./sandbox.ts")).sandboxCommand(ctx, args[0], { json: opts.json === true })
      ),
    );
  program.command("demo").description("run the example plan offline from a recorded session")
    .action(run(async (ctx) => (await import("./demo.ts")).demoCommand(ctx)));
}
