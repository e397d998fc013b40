/**
 * What `lao pilot` binds to at start, and the run ports (model manager,
 * model calls, store) it builds for a binding.
 *
 * @module
 */
import type { EventBus } from "../../events/bus.ts";
import { ExitCode, UserError } from "../../errors.ts";
import { LlmError } from "../../llm/errors.ts";
import { buildRunPorts, type BuiltPorts } from "../../pipeline/build_deps.ts";
import { bindProject, type PilotBinding } from "../../pilot/binding.ts";
import type { ProjectRegistry } from "../../projects/registry.ts";
import type { CliContext } from "../context.ts";
import { toOverrides } from "../options.ts";
import type { WorkspacePorts } from "../runtime.ts";
import { VERSION } from "../version.ts";

/** The project here, the one named with `--config`, or else the one chosen with `lao projects use`. */
export function initialBinding(ctx: CliContext, registry: ProjectRegistry): PilotBinding {
  const g = ctx.globals;
  const overrides = toOverrides(g, ctx.gitFlagGiven);
  const env = ctx.deps.env;
  const plan = g.plan;
  // No config here and none named: the project chosen with `lao projects use`.
  const here = ctx.loaded;
  const chosen = !here.configFile && !g.config ? registry.current() : undefined;
  const dir = chosen?.path ?? ctx.deps.cwd;
  return bindProject(dir, {
    env,
    ...(g.config && !chosen ? { configPath: g.config } : {}),
    overrides,
    ...(plan ? { plan } : {}),
  });
}

/** The run ports for `b`; a binding without a config or an unreachable server is a `UserError`. */
export async function pilotDeps(
  ctx: CliContext,
  b: PilotBinding,
  bus: EventBus,
  ports: WorkspacePorts,
): Promise<BuiltPorts> {
  if (!b.store) {
    throw new UserError(
      `Cannot start Pilot in "${b.configDir}": no factory.yaml (run lao init, or lao projects use NAME)`,
    );
  }
  try {
    return await buildRunPorts({
      config: b.config,
      configDir: b.configDir,
      store: b.store,
      bus,
      signal: ctx.deps.signal ?? new AbortController().signal,
      stopping: () => false,
      version: VERSION,
      workspaceFs: ports.workspaceFs,
      shell: ports.shell,
    });
  } catch (err) {
    if (err instanceof LlmError && err.infrastructure) {
      throw new UserError(
        `Cannot reach the model server at ${b.config.lm_studio_base_url}: ${err.message}`,
        ExitCode.Failure,
      );
    }
    throw err;
  }
}
