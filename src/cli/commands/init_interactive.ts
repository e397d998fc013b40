/**
 * `lao init` on a terminal: the wizard, the files, then an offer to run
 * `lao health` and `lao run`.
 *
 * @module
 */
import type { CliContext } from "../context.ts";
import { healthCommand } from "./health.ts";
import { initCommand, type InitOptions } from "./init.ts";
import { type Prompter, runWizard, terminalPrompter } from "./init_wizard.ts";
import { runCommand } from "./run.ts";

/** Runs the wizard and writes what it answered; returns the exit code. */
export async function interactiveInit(
  ctx: CliContext,
  opts: InitOptions,
  prompter?: Prompter,
): Promise<number> {
  const ask = prompter ?? await terminalPrompter();
  const answers = await runWizard(ctx.deps.cwd, opts, ask, ctx.out);
  if (!answers) return 0;
  const code = initCommand(ctx.deps, { ...opts, force: true, answers });
  if (code !== 0) return code;
  const next = await ask.select({
    message: "What next?",
    choices: [
      { value: "health", name: "Check the server and models (lao health)" },
      { value: "run", name: "Run the pipeline (lao run)" },
      { value: "exit", name: "Exit" },
    ],
    default: "health",
  });
  if (next === "exit") return 0;
  if (next === "run") return await runCommand(ctx, {});
  const health = await healthCommand(ctx, {});
  if (health !== 0) return health;
  const run = await ask.confirm({ message: "Run the pipeline now?", default: false });
  return run ? await runCommand(ctx, {}) : 0;
}
