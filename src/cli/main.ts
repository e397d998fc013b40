/**
 * The CLI: parses arguments (global options before or after the command),
 * dispatches, and maps errors to exit codes — user errors print one line and
 * exit with their code (2 by default), interrupts exit 130, bugs print a stack
 * and exit 70. Command modules are imported when their command runs, so
 * `lao --version` and `lao status` load only what they use.
 *
 * @module
 */
import { Command, CommanderError } from "commander";
import { ExitCode, InterruptedError, UserError } from "../errors.ts";
import { storageFault } from "../store/storage_faults.ts";
import { denoOutput } from "../ui/output.ts";
import { type Action, CliContext, type CliDeps } from "./context.ts";
import { addGlobalOptions, type GlobalOptions } from "./options.ts";
import { configureHelp } from "./help.ts";
import { permissionHint } from "./permission_hint.ts";
import { isFilesystemRoot, safeEnv } from "./process_env.ts";
import { registerPipelineCommands } from "./commands/pipeline_commands.ts";
import { registerPilotCommands } from "./commands/pilot_commands.ts";

export { VERSION } from "./version.ts";
import { VERSION, versionInfo } from "./version.ts";

/** Builds the command tree. `run` receives each command's action. */
export function buildProgram(
  deps: CliDeps,
  run: (action: Action) => (...a: unknown[]) => Promise<void>,
) {
  const program = configureHelp(addGlobalOptions(new Command("lao")))
    .description("LAO: a local multi-phase coding agent (planner → coder → reviewer)")
    .version(`lao ${VERSION}`, "-v, --version", "print the version")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => deps.output.out(s.replace(/\n$/, "")),
      writeErr: (s) => deps.output.err(s.replace(/\n$/, "")),
    });

  program.command("version").description(
    "print the version (--json: also Deno, target, permissions)",
  )
    .option("--json", "print one JSON document: version, deno, target, compiled, permissions")
    .action(run((_ctx, opts) => {
      deps.output.out(
        opts.json === true ? JSON.stringify(versionInfo(), null, 2) : `lao ${VERSION}`,
      );
      return 0;
    }));

  program.command("init").description("scaffold factory.yaml, plans/ and .lao/ here")
    .option("--no-interactive", "do not ask questions")
    .option("--force", "overwrite an existing factory.yaml")
    .option("--skip-readme", "do not write plans/README.md")
    .action(run(async (ctx, opts) => {
      const interactive = opts.interactive !== false && ctx.out.isTty && Deno.stdin.isTerminal();
      if (!interactive) return (await import("./commands/init.ts")).initCommand(ctx.deps, opts);
      return await (await import("./commands/init_interactive.ts")).interactiveInit(ctx, opts);
    }));

  program.command("status").description("task counts, tokens by role, plan progress")
    .option("--json", "print one JSON document (stable contract)")
    .action(
      run(async (ctx, opts) => (await import("./commands/status.ts")).statusCommand(ctx, opts)),
    );

  const retry = (alias: boolean) =>
    run((ctx, opts) => {
      if (alias) ctx.out.err(`notice: "reset-failed" is deprecated; use "lao retry-failed"`);
      const n = ctx.store.retryFailed(typeof opts.planId === "string" ? opts.planId : undefined);
      ctx.out.out(`Reset ${n} failed task${n === 1 ? "" : "s"} to pending.`);
      return 0;
    });
  program.command("retry-failed").description("put every failed task back to pending")
    .option("--plan-id <id>", "only this plan's tasks").action(retry(false));
  program.command("reset-failed", { hidden: true })
    .description('deprecated alias of "retry-failed"')
    .option("--plan-id <id>", "only this plan's tasks").action(retry(true));

  registerPipelineCommands(program, run);

  program.command("home", { hidden: true }).description("the interactive home screen (bare lao)")
    .action(run(async (ctx) => await (await import("./commands/home_loop.ts")).homeLoop(ctx)));

  registerPilotCommands(program, run);
  return program;
}

/** Commands that only read or repair state: they refuse to create a database. */
const STATE_ONLY = new Set(["status", "retry-failed", "reset-failed", "undo", "log", "report"]);

/** Runs the CLI with `args`; returns the exit code. */
export async function main(args: string[], deps?: Partial<CliDeps>): Promise<number> {
  const env = deps?.env ?? safeEnv;
  const full: CliDeps = {
    cwd: deps?.cwd ?? Deno.cwd(),
    env,
    output: deps?.output ?? denoOutput(env),
    ...(deps?.signal ? { signal: deps.signal } : {}),
    ...(deps?.stdin ? { stdin: deps.stdin } : {}),
  };
  let exitCode = 0;
  let ctx: CliContext | undefined;
  const run = (action: Action) => async (...a: unknown[]) => {
    const cmd = a[a.length - 1] as Command;
    const own = a[a.length - 2] as Record<string, unknown>;
    const positional = a.slice(0, -2).flat().filter((x): x is string => typeof x === "string");
    const globals = cmd.optsWithGlobals() as GlobalOptions;
    // `lao --json X` and `lao X --json` are the same request.
    const opts = globals.json === true && own.json === undefined ? { ...own, json: true } : own;
    const gitGiven = sourceOf(cmd, "git") === "cli";
    ctx = await CliContext.create(full, globals, gitGiven, {
      stateOnly: STATE_ONLY.has(cmd.name()),
    });
    exitCode = await action(ctx, opts, positional);
  };
  try {
    if (isFilesystemRoot(full.cwd)) {
      throw new UserError(
        `Cannot run from the filesystem root "${full.cwd}": cd into a project folder first`,
      );
    }
    const home = full.env("HOME") ?? full.env("USERPROFILE");
    if (home && full.cwd.replace(/\/+$/, "") === home.replace(/\/+$/, "") && args.length > 0) {
      full.output.err(
        "warning: running in your home folder: LAO keeps plans/, .lao/ and plan workspaces here; a project folder is usually better",
      );
    }
    const program = buildProgram(full, run);
    const interactive = full.output.isTty && Deno.stdin.isTerminal();
    const argv = args.length === 0 ? [interactive ? "home" : "run"] : args;
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (err) {
    return reportError(storageFault(err, ctx?.databasePath) ?? err, full);
  } finally {
    try {
      ctx?.close();
    } catch {
      // a connection that failed (disk full, damaged file) may not close cleanly
    }
  }
}

function sourceOf(cmd: Command, key: string): string | undefined {
  for (let c: Command | null = cmd; c; c = c.parent) {
    const src = c.getOptionValueSource(key);
    if (src) return src;
  }
  return undefined;
}

function reportError(err: unknown, deps: CliDeps): number {
  const o = deps.output;
  if (err instanceof CommanderError) {
    if (err.code === "commander.version" || err.code === "commander.helpDisplayed") return 0;
    if (err.code === "commander.help") return 0;
    return ExitCode.Usage; // commander already printed the one-line message
  }
  if (err instanceof UserError) {
    o.err(`lao: ${err.message}`);
    return err.exitCode;
  }
  if (err instanceof InterruptedError) {
    o.err("lao: interrupted");
    return ExitCode.Interrupted;
  }
  const hint = permissionHint(err);
  if (hint) {
    o.err(`lao: ${hint}`);
    return ExitCode.Usage;
  }
  o.err("lao: internal error (this is a bug, please report it):");
  o.err(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return ExitCode.Internal;
}
