/**
 * The architect's side of decomposing a plan, apart from the model calls of
 * one chunk (`architect_chunk.ts`): the planner's chunk budget, the context
 * block put before each chunk, and assembling the tasks of every chunk into
 * the plan's task list — duplicates merged, dependencies resolved to task
 * indexes (or to existing task ids), cycles broken and reported. Pure: the
 * decompose phase (`phases/decompose.ts`) stores what comes out.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import type { ChunkBudget } from "./chunking.ts";
import type { ArchitectTask } from "./parse/architect.ts";
import { mergeDuplicates, resolveDependencies } from "./parse/architect_deps.ts";
import { architectMessages } from "./architect_chunk.ts";

export { architectMessages };
export { type ChunkResult, decomposeChunk } from "./architect_chunk.ts";

/** The chunk budget from the planner's settings. */
export function planBudget(config: Config): ChunkBudget {
  const p = config.models.planner;
  return {
    contextLength: p.context_length,
    maxContextUtilization: config.orchestration.max_context_utilization,
    reservedTokens: config.orchestration.preflight_reserved_tokens,
    maxCompletion: p.max_completion,
  };
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

/** A chunk's text behind the context block. */
export function withContext(context: string, chunk: string): string {
  return `${context}\n\n## The plan to decompose now\n\n${chunk}`;
}

/** A task ready to store: dependencies as indexes into the new tasks and as existing ids. */
export interface AssembledTask {
  title: string;
  description: string;
  file_paths: string[];
  phase: string | null;
  deliverable_ids: string[];
  dependsOn: number[];
  dependsOnIds: number[];
  section: string | null;
}

/**
 * The plan's tasks from every chunk's tasks: duplicates merged, dependencies
 * on existing tasks taken out by title or `#id`, the rest resolved among the
 * new tasks, cycles broken in the plan's order. Warnings say what was done.
 */
export function assembleTasks(
  all: ArchitectTask[],
  extra: ArchitectContext = {},
): { tasks: AssembledTask[]; warnings: string[] } {
  const warnings: string[] = [];
  const { tasks } = mergeDuplicates(all);
  if (tasks.length < all.length) {
    warnings.push(`merged ${all.length - tasks.length} duplicate tasks`);
  }
  const onExisting = existingDependencies(tasks, extra.existing ?? []);
  const resolved = resolveDependencies(tasks);
  warnings.push(...resolved.warnings);
  const dependsOn = breakCycles(resolved.deps, resolved.cycles, tasks, warnings);
  return {
    tasks: tasks.map((t, i) => ({
      title: t.title,
      description: t.description,
      file_paths: t.file_paths,
      phase: t.phase,
      deliverable_ids: t.deliverable_ids,
      dependsOn: dependsOn[i] ?? [],
      dependsOnIds: onExisting[i] ?? [],
      section: extra.sectionOf?.(t) ?? null,
    })),
    warnings,
  };
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
