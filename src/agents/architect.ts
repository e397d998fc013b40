/**
 * The architect: turns a plan into micro-tasks. Chunks the plan within the
 * planner's token budget, asks for structured output where the server allows
 * it, parses tolerantly, gives the model one repair turn with the exact
 * validation errors, keeps every valid task, resumes finished chunks by
 * content hash, merges duplicates, resolves dependencies to task ids and
 * breaks (and reports) cycles. A failed decomposition stays retryable.
 *
 * @module
 */
import { errorMessage, ExitCode, InterruptedError, UserError } from "../errors.ts";
import { LlmError } from "../llm/errors.ts";
import { estimateMessages } from "../llm/tokens.ts";
import type { PipelineDeps } from "../pipeline/deps.ts";
import { type ChunkBudget, chunkPlan, chunkPlanAsync } from "./chunking.ts";
import type { PlanRow } from "../store/store.ts";
import type { ArchitectTask } from "./parse/architect.ts";
import { mergeDuplicates, resolveDependencies } from "./parse/architect_deps.ts";
import { architectMessages, decomposeChunk } from "./architect_chunk.ts";

export { architectMessages };

/** Outcome of {@linkcode decomposePlan}. */
export type DecomposeResult =
  | { ok: true; taskIds: number[]; warnings: string[] }
  | { ok: false; error: string; infrastructure: boolean };

/** The chunk budget from the planner's settings. */
export function planBudget(deps: PipelineDeps): ChunkBudget {
  const p = deps.config.models.planner;
  return {
    contextLength: p.context_length,
    maxContextUtilization: deps.config.orchestration.max_context_utilization,
    reservedTokens: deps.config.orchestration.preflight_reserved_tokens,
    maxCompletion: p.max_completion,
  };
}

/** Chunks a plan text with the planner's budget (used by `lao preflight` too). */
export function preflightPlan(deps: Pick<PipelineDeps, "config" | "count">, text: string) {
  const estimate = (chunk: string) => estimateMessages(deps.count, architectMessages(chunk));
  return chunkPlan(text, planBudget(deps as PipelineDeps), estimate);
}

/** Seconds before a failed decomposition is retried: 60 s, doubling, at most 1 h. */
export function decompositionBackoff(attempts: number): number {
  return Math.min(3600, 60 * 2 ** attempts);
}

/** What the architect sees beside the plan (issue 15): existing code and tasks. */
export interface ArchitectContext {
  /** Text put before each chunk (a code map, the tasks a revision kept); already within budget. */
  context?: string;
  /** Tasks that exist already: a new task naming one as a dependency depends on its id. */
  existing?: readonly { id: number; title: string }[];
  /** The plan section each new task implements (by index into the new tasks). */
  sectionOf?: (task: ArchitectTask) => string | null;
}

/** Decomposes `plan` (text given) into stored tasks. Never throws except on interrupt. */
export async function decomposePlan(
  deps: PipelineDeps,
  plan: PlanRow,
  text: string,
  extra: ArchitectContext = {},
): Promise<DecomposeResult> {
  const log = (level: "info" | "warn", message: string) =>
    deps.emit({ type: "log", level, message, source: "architect" });
  deps.emit({ type: "phase.start", phase: "architect", planId: plan.id });
  try {
    // With context, every chunk's estimate includes it, so chunks fit the budget with it.
    // Chunking yields to the event loop, so Ctrl+C and SIGTERM stop even a huge plan at once.
    const ctx = extra.context;
    const planned = await chunkPlanAsync(
      text,
      planBudget(deps),
      (chunk) =>
        estimateMessages(deps.count, architectMessages(ctx ? withContext(ctx, chunk) : chunk)),
      { signal: deps.signal },
    );
    const { preflight } = planned;
    const chunks = extra.context
      ? planned.chunks.map((c) => ({ ...c, text: withContext(extra.context!, c.text) }))
      : planned.chunks;
    deps.store.updatePlan(plan.id, { preflight_json: JSON.stringify(preflight) });
    if (!preflight.fit) log("info", `${plan.filename}: plan split into ${chunks.length} chunks`);
    const all: ArchitectTask[] = [];
    const warnings: string[] = [];
    for (const chunk of chunks) {
      const stored = deps.store.upsertChunk(plan.id, chunk.index, chunk.hash, chunk.text);
      if (stored.status === "completed" && stored.tasks_json) {
        all.push(...(JSON.parse(stored.tasks_json) as ArchitectTask[]));
        continue;
      }
      const result = await decomposeChunk({ deps, plan, budget: planBudget(deps) }, chunk);
      if (!result.ok) {
        deps.store.finishChunk(plan.id, chunk.hash, { error: result.error });
        throw new ChunkError(`chunk ${chunk.index + 1}/${chunks.length}: ${result.error}`);
      }
      warnings.push(...result.warnings.map((w) => `chunk ${chunk.index + 1}: ${w}`));
      deps.store.finishChunk(plan.id, chunk.hash, { tasksJson: JSON.stringify(result.tasks) });
      all.push(...result.tasks);
    }
    if (all.length === 0) throw new ChunkError("the architect produced no tasks");
    const { tasks } = mergeDuplicates(all);
    if (tasks.length < all.length) {
      warnings.push(`merged ${all.length - tasks.length} duplicate tasks`);
    }
    const onExisting = existingDependencies(tasks, extra.existing ?? []);
    const resolved = resolveDependencies(tasks);
    warnings.push(...resolved.warnings);
    const deps2 = breakCycles(resolved.deps, resolved.cycles, tasks, warnings);
    const ids = deps.store.insertTasks(
      plan.id,
      tasks.map((t, i) => ({
        title: t.title,
        description: t.description,
        file_paths: t.file_paths,
        phase: t.phase,
        deliverable_ids: t.deliverable_ids,
        dependsOn: deps2[i] ?? [],
        dependsOnIds: onExisting[i] ?? [],
        section: extra.sectionOf?.(t) ?? null,
      })),
      deps.config.orchestration.max_task_attempts,
    );
    for (const w of warnings) log("warn", `${plan.filename}: ${w}`);
    deps.emit({ type: "phase.end", phase: "architect", planId: plan.id, ok: true });
    return { ok: true, taskIds: ids, warnings };
  } catch (err) {
    if (err instanceof InterruptedError || err instanceof UserError) throw err;
    // A refused API key is the setup's problem: waiting for the server cannot fix it.
    if (err instanceof LlmError && err.kind === "auth_failed") {
      deps.emit({ type: "phase.end", phase: "architect", planId: plan.id, ok: false });
      throw new UserError(err.message, ExitCode.Failure, { cause: err });
    }
    const infrastructure = err instanceof LlmError && err.infrastructure;
    const error = errorMessage(err);
    deps.emit({ type: "phase.end", phase: "architect", planId: plan.id, ok: false });
    return { ok: false, error, infrastructure };
  }
}

class ChunkError extends Error {}

/** A chunk's text behind the context block. */
function withContext(context: string, chunk: string): string {
  return `${context}\n\n## The plan to decompose now\n\n${chunk}`;
}

/**
 * Per new task, the ids of existing tasks it names as dependencies; those
 * names are taken out of its list, so only new tasks are resolved by title.
 */
function existingDependencies(
  tasks: ArchitectTask[],
  existing: readonly { id: number; title: string }[],
): number[][] {
  const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, " ");
  const fresh = new Set(tasks.map((t) => norm(t.title)));
  const byTitle = new Map(existing.map((e) => [norm(e.title), e.id]));
  for (const e of existing) byTitle.set(`#${e.id}`, e.id);
  return tasks.map((t) => {
    const ids: number[] = [];
    t.dependencies = t.dependencies.filter((d) => {
      const id = fresh.has(norm(d)) ? undefined : byTitle.get(norm(d));
      if (id !== undefined) ids.push(id);
      return id === undefined;
    });
    return ids;
  });
}

/** Drops, inside each cycle, dependencies that point to a later task, so nothing waits forever. */
function breakCycles(
  deps: number[][],
  cycles: string[][],
  tasks: ArchitectTask[],
  warnings: string[],
): number[][] {
  if (cycles.length === 0) return deps;
  const out = deps.map((d) => [...d]);
  for (const cycle of cycles) {
    const members = new Set(cycle.map((title) => tasks.findIndex((t) => t.title === title)));
    for (const i of members) {
      out[i] = (out[i] ?? []).filter((d) => !(members.has(d) && d > i));
    }
    warnings.push(`dependency cycle ${cycle.join(" → ")}: broken by keeping the plan's order`);
  }
  return out;
}
