/**
 * `lao preflight --plan X`: prints the architect's chunking report for a plan
 * (fit, token estimate, budget, chunks) without calling a model.
 *
 * @module
 */
import { basename } from "node:path";
import { architectMessages, planBudget } from "../../agents/architect.ts";
import { printable } from "../../config/text_check.ts";
import { UserError } from "../../errors.ts";
import { cl100k, estimateMessages } from "../../llm/tokens.ts";
import { chunkPlanAsync, formatPreflight } from "../../agents/chunking.ts";
import { readPlanContent, resolvePlanPath } from "../../pipeline/intake.ts";
import type { CliContext } from "../context.ts";
import type { Config } from "../../config/schema.ts";
import { backendFor } from "../../models/detect.ts";
import { createModelManager } from "../../models/manager.ts";
import { budgetConfig } from "../../models/server_context.ts";

/** min(config, server) per role, or the config alone when the server does not answer. */
async function serverBudget(config: Config): Promise<{ config: Config; warning?: string }> {
  try {
    const backend = await backendFor(config);
    return await budgetConfig(config, createModelManager(config, { backend }));
  } catch {
    return { config };
  }
}

/** Runs `lao preflight`. */
export async function preflightCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const { config } = ctx.loaded;
  const arg = ctx.globals.plan;
  if (!arg) throw new UserError(`"lao preflight" needs --plan PATH`);
  const path = resolvePlanPath(arg, ctx.deps.cwd, config.paths.plans);
  const content = readPlanContent(path);
  if (!content.ok) {
    throw new UserError(`Cannot use plan "${printable(basename(path))}": ${content.reason}`);
  }
  const text = content.text;
  // Budget against the server's real context when it answers; offline, against the config.
  const budget = await serverBudget(ctx.loaded.config);
  // Chunked in slices that yield to the event loop, so Ctrl+C stops a large plan at once.
  const count = await cl100k();
  const { chunks, preflight } = await chunkPlanAsync(
    text,
    planBudget(budget.config),
    (chunk) => estimateMessages(count, architectMessages(chunk)),
    ctx.deps.signal ? { signal: ctx.deps.signal } : {},
  );
  if (budget.warning) ctx.out.err(`warning: ${budget.warning}`);
  if (opts.json) {
    ctx.out.out(
      JSON.stringify(
        {
          plan: printable(path),
          context_length: budget.config.models.planner.context_length,
          ...preflight,
          chunks: chunks.map((c) => ({
            index: c.index,
            hash: c.hash,
            estimated_tokens: c.estimatedTokens,
            oversized: c.oversized,
          })),
        },
        null,
        2,
      ),
    );
  } else {
    for (const line of formatPreflight(basename(path), preflight, chunks)) ctx.out.out(line);
    if (!preflight.fit) {
      ctx.out.err(
        `warning: the plan does not fit the planner's context in one request; it will be decomposed in ${chunks.length} chunks`,
      );
    }
  }
  return 0;
}
