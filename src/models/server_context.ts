/**
 * Budgets against what the server really gives: each role's context is
 * min(config, server) (llama.cpp `n_ctx`, LM Studio's loaded or maximum
 * context, Ollama `/api/ps`/`/api/show`, vLLM `max_model_len`), with one
 * warning when the config claims more. Everything that budgets (`fits()`,
 * plan chunking, preflight, the coder transcript, the reviewer input) reads
 * `config.models.<role>.context_length`, so a clamped config is the one seam.
 *
 * @module
 */
import type { Config, RoleName } from "../config/schema.ts";
import type { ModelManager } from "./types.ts";

/** Roles whose prompts are budgeted (the embedder's context is not). */
export const BUDGETED_ROLES = ["planner", "coder", "reviewer", "pilot"] as const;

/** A role whose server gives less context than its config claims. */
export interface ContextClamp {
  /** Role. */
  role: RoleName;
  /** `models.<role>.context_length`. */
  configured: number;
  /** What the server gives. */
  server: number;
}

/** Asks the server for each budgeted role's context; returns the roles it gives less. */
export async function serverContextClamps(
  config: Config,
  manager: Pick<ModelManager, "contextLength">,
): Promise<ContextClamp[]> {
  const clamps: ContextClamp[] = [];
  for (const role of BUDGETED_ROLES) {
    const server = await manager.contextLength(role).catch(() => undefined);
    const configured = config.models[role].context_length;
    if (server !== undefined && server > 0 && server < configured) {
      clamps.push({ role, configured, server });
    }
  }
  return clamps;
}

/**
 * A copy of `config` with each clamped role's `context_length` set to the
 * server's, and `max_completion` kept within half of it (so a prompt still fits).
 */
export function clampConfig(config: Config, clamps: readonly ContextClamp[]): Config {
  if (clamps.length === 0) return config;
  const out = structuredClone(config);
  for (const { role, server } of clamps) {
    const model = out.models[role];
    model.context_length = server;
    model.max_completion = Math.min(model.max_completion, Math.floor(server / 2));
  }
  return out;
}

/** The one warning for all clamped roles, or `undefined` when none is. */
export function contextWarning(clamps: readonly ContextClamp[]): string | undefined {
  if (clamps.length === 0) return undefined;
  const list = clamps.map((c) => `${c.role} ${c.configured} → ${c.server}`).join(", ");
  return `the server gives less context than models.<role>.context_length claims (${list}): LAO budgets with the server's; lower context_length or restart the server with more`;
}

/** The config to budget with (min(config, server) per role) and its warning, if any. */
export async function budgetConfig(
  config: Config,
  manager: Pick<ModelManager, "contextLength">,
): Promise<{ config: Config; warning?: string }> {
  const clamps = await serverContextClamps(config, manager);
  const warning = contextWarning(clamps);
  return { config: clampConfig(config, clamps), ...(warning ? { warning } : {}) };
}
