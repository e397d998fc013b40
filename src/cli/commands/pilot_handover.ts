/**
 * `/resume` in `lao pilot`: runs the pipeline for the bound project as
 * `lao run --single-run` would (its own manager swaps the planner, coder and
 * reviewer in), then hands back the exit code.
 *
 * @module
 */
import { InterruptedError, UserError } from "../../errors.ts";
import type { PilotBinding } from "../../pilot/binding.ts";
import { CliContext } from "../context.ts";
import { runCommand } from "./run.ts";

/** What runs the pipeline (a test seam); the default is `lao run --single-run`. */
export type RunPipeline = (ctx: CliContext) => Promise<number>;

/** The context of `lao run --single-run` in `binding`'s project, with the Pilot's global flags. */
function runContext(ctx: CliContext, binding: PilotBinding): Promise<CliContext> {
  return CliContext.create(
    { ...ctx.deps, cwd: binding.configDir },
    {
      ...ctx.globals,
      singleRun: true,
      pilotOnly: false,
      ...(binding.configFile ? { config: binding.configFile } : {}),
    },
    ctx.gitFlagGiven,
  );
}

/**
 * Runs the pipeline for `binding`; returns its exit code (a setup problem's
 * code, after printing it), or `"interrupted"` when the run was aborted.
 */
export async function runPipelineFromPilot(
  ctx: CliContext,
  binding: PilotBinding,
  json: boolean,
  runPipeline?: RunPipeline,
): Promise<number | "interrupted"> {
  const runCtx = await runContext(ctx, binding);
  try {
    return await (runPipeline ?? ((c) => runCommand(c, { json })))(runCtx);
  } catch (err) {
    if (err instanceof InterruptedError) return "interrupted";
    if (!(err instanceof UserError)) throw err;
    ctx.out.err(`lao: ${err.message}`);
    return err.exitCode;
  } finally {
    runCtx.close();
  }
}
