/**
 * `lao configure-models`: choose each role's model from the server's list
 * (sizes and context lengths where the server reports them) and write the
 * keys into `factory.yaml` in place, comments kept. `--role R --key K` does
 * one role without questions (for scripts).
 *
 * @module
 */
import { editYamlFile, type YamlEdit } from "../../config/edit.ts";
import { type RoleName, ROLES } from "../../config/schema.ts";
import { ExitCode, InterruptedError, UserError } from "../../errors.ts";
import { backendFor } from "../../models/detect.ts";
import type { ModelInfo } from "../../models/types.ts";
import type { CliContext } from "../context.ts";

/** Options of `lao configure-models`. */
export interface ConfigureModelsOptions {
  role?: string;
  key?: string;
}

/** Asks the user to pick one of `choices` (injected: the terminal, or a test). */
export type PickModel = (
  role: RoleName,
  choices: { value: string; name: string }[],
  current: string,
) => Promise<string>;

/** A model as one menu line: `key · 17.2 GB · ctx 262144`. */
export function modelLabel(m: ModelInfo): string {
  const parts = [m.key];
  if (m.sizeBytes) parts.push(`${(m.sizeBytes / 1e9).toFixed(1)} GB`);
  if (m.maxContextLength) parts.push(`ctx ${m.maxContextLength}`);
  if (m.type === "embedding") parts.push("embedding");
  if (m.instances.length) parts.push("loaded");
  return parts.join(" · ");
}

async function serverModels(ctx: CliContext): Promise<ModelInfo[] | null> {
  try {
    return await (await backendFor(ctx.loaded.config)).list();
  } catch {
    return null;
  }
}

/** Runs `lao configure-models`. */
export async function configureModelsCommand(
  ctx: CliContext,
  opts: ConfigureModelsOptions,
  pick?: PickModel,
): Promise<number> {
  const { configFile, config } = ctx.loaded;
  if (!configFile) {
    throw new UserError("Cannot configure models: no factory.yaml here (run lao init first)");
  }
  const models = await serverModels(ctx);
  const edits: YamlEdit[] = [];
  if (opts.role !== undefined || opts.key !== undefined) {
    const role = opts.role as RoleName;
    if (!ROLES.includes(role)) {
      throw new UserError(`--role: expected one of ${ROLES.join(", ")}, got "${opts.role ?? ""}"`);
    }
    if (!opts.key) throw new UserError("--key: give the model key for --role");
    if (models && !models.some((m) => m.key === opts.key)) {
      ctx.out.err(
        `warning: the server at ${config.lm_studio_base_url} does not list "${opts.key}"`,
      );
    }
    edits.push({ path: ["models", role, "key"], value: opts.key });
  } else {
    if (!models) {
      throw new UserError(
        `Cannot list the models of ${config.lm_studio_base_url}: the server does not answer (use --role R --key K to set a key anyway)`,
        ExitCode.Failure,
      );
    }
    const ask = pick ?? terminalPick;
    for (const role of ROLES) {
      const current = config.models[role].key;
      const wanted = role === "embedder" ? "embedding" : "llm";
      const list = models.filter((m) => m.type === wanted);
      const choices = list.map((m) => ({ value: m.key, name: modelLabel(m) }));
      if (!choices.some((c) => c.value === current)) {
        choices.unshift({ value: current, name: `${current} (current, not on the server)` });
      }
      const key = await ask(role, choices, current);
      if (key !== current) edits.push({ path: ["models", role, "key"], value: key });
    }
  }
  if (!edits.length) {
    ctx.out.out("No change: factory.yaml kept as it is.");
    return 0;
  }
  await editYamlFile(configFile, edits);
  for (const e of edits) ctx.out.out(`set ${e.path.join(".")} = ${e.value}`);
  ctx.out.out(`updated ${configFile} (comments kept)`);
  return 0;
}

/** The arrow-key menu; Ctrl+C is an interrupt (nothing written). */
const terminalPick: PickModel = async (role, choices, current) => {
  const { select } = await import("@inquirer/prompts");
  try {
    return await select({ message: `Model for ${role}`, choices, default: current });
  } catch (err) {
    if (err instanceof Error && err.name === "ExitPromptError") {
      throw new InterruptedError("configure-models cancelled");
    }
    throw err;
  }
};
