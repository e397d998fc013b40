/**
 * Bare `lao` on a terminal: the home screen, the chosen action, and back to
 * the menu until Exit. Each action gets a fresh context, so a config written
 * by `init` or `configure-models` is read anew.
 *
 * @module
 */
import { InterruptedError, UserError } from "../../errors.ts";
import { CliContext } from "../context.ts";
import { configureModelsCommand } from "./configure_models.ts";
import { healthCommand } from "./health.ts";
import { type HomeChoice, homeScreen } from "./home.ts";
import { interactiveInit } from "./init_interactive.ts";
import { pilotCommand } from "./pilot.ts";
import { projectsCommand } from "./projects.ts";
import { runCommand } from "./run.ts";
import { statusCommand } from "./status.ts";

/** Shows the menu until Exit; returns the exit code of the session. `screen` replaces the terminal (tests). */
export async function homeLoop(
  first: CliContext,
  screen: (ctx: CliContext) => Promise<HomeChoice["value"]> = homeScreen,
): Promise<number> {
  for (;;) {
    const ctx = await CliContext.create(first.deps, first.globals, first.gitFlagGiven);
    try {
      const choice = await screen(ctx);
      if (choice === "exit") return 0;
      let code: number;
      try {
        code = choice === "status"
          ? statusCommand(ctx, {})
          : choice === "init"
          ? await interactiveInit(ctx, {})
          : choice === "health"
          ? await healthCommand(ctx, {})
          : choice === "pilot"
          ? await pilotCommand(ctx, {})
          : choice === "projects"
          ? await projectsCommand(ctx, {}, ["list"])
          : choice === "configure-models"
          ? await configureModelsCommand(ctx, {})
          : await runCommand(ctx, {});
      } catch (err) {
        if (err instanceof InterruptedError) throw err;
        if (!(err instanceof UserError)) throw err;
        ctx.out.err(`lao: ${err.message}`);
        code = err.exitCode;
      }
      ctx.out.out(`(${choice} finished with exit code ${code}; back to the menu)`);
    } finally {
      ctx.close();
    }
  }
}
