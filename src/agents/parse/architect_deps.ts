/**
 * Dependency resolution and de-duplication for architect task lists: titles
 * are matched exactly, then normalised,
 * then by 1-based task number, then fuzzily ("did you mean"); unknown titles
 * are dropped with a warning; cycles are reported.
 *
 * @module
 */
import { editDistance } from "../../config/suggest.ts";
import type { ArchitectTask } from "./architect.ts";

/** Result of {@linkcode resolveDependencies}. */
export interface ResolvedDependencies {
  /** `deps[i]` = indexes of the tasks task `i` depends on. */
  deps: number[][];
  /** One line per fuzzy match, dropped or self dependency. */
  warnings: string[];
  /** Each dependency cycle as the titles of its tasks. */
  cycles: string[][];
}

/** Result of {@linkcode mergeDuplicates}. */
export interface MergedTasks {
  tasks: ArchitectTask[];
  /** `indexMap[old] = new` index, to remap index-based references. */
  indexMap: number[];
}

/** Lower-cases, trims quotes/punctuation and collapses whitespace. */
export function normalizeTitle(title: string): string {
  return title.toLowerCase().replace(/[`"'*]/g, "").replace(/[\s_-]+/g, " ")
    .replace(/[.:;,!]+$/, "").trim();
}

/** Levenshtein similarity in [0, 1]. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (!a.length || !b.length) return 0;
  return 1 - editDistance(a, b) / Math.max(a.length, b.length);
}

const FUZZY_ACCEPT = 0.8;
const FUZZY_SUGGEST = 0.5;

function lookup(dep: string, tasks: readonly ArchitectTask[], norm: string[]): {
  index?: number;
  fuzzy?: boolean;
  suggestion?: string;
} {
  const exact = tasks.findIndex((t) => t.title === dep);
  if (exact >= 0) return { index: exact };
  const n = normalizeTitle(dep);
  const normal = norm.indexOf(n);
  if (normal >= 0) return { index: normal };
  const num = n.match(/^(?:task\s*)?#?(\d+)$/)?.[1];
  if (num !== undefined && Number(num) >= 1 && Number(num) <= tasks.length) {
    return { index: Number(num) - 1, fuzzy: true };
  }
  let best = -1;
  let bestScore = 0;
  norm.forEach((t, i) => {
    const s = similarity(n, t);
    if (s > bestScore) [best, bestScore] = [i, s];
  });
  if (best >= 0 && bestScore >= FUZZY_ACCEPT) return { index: best, fuzzy: true };
  return bestScore >= FUZZY_SUGGEST ? { suggestion: tasks[best]!.title } : {};
}

/**
 * Resolves every task's dependency titles to task indexes.
 *
 * @example
 * ```ts
 * import { resolveDependencies } from "./architect_deps.ts";
 * const t = (title: string, dependencies: string[] = []) =>
 *   ({ title, description: "d", file_paths: [], dependencies, phase: null, deliverable_ids: [] });
 * resolveDependencies([t("Models"), t("API", ["models"])]).deps; // [[], [0]]
 * ```
 */
export function resolveDependencies(tasks: readonly ArchitectTask[]): ResolvedDependencies {
  const norm = tasks.map((t) => normalizeTitle(t.title));
  const warnings: string[] = [];
  const deps = tasks.map((task, i) => {
    const out = new Set<number>();
    for (const dep of task.dependencies) {
      const hit = lookup(dep, tasks, norm);
      if (hit.index === undefined) {
        const hint = hit.suggestion ? ` (did you mean "${hit.suggestion}"?)` : "";
        warnings.push(`Task "${task.title}": unknown dependency "${dep}" dropped${hint}`);
      } else if (hit.index === i) {
        warnings.push(`Task "${task.title}": dependency on itself dropped`);
      } else {
        if (hit.fuzzy) {
          warnings.push(
            `Task "${task.title}": dependency "${dep}" matched "${tasks[hit.index]!.title}"`,
          );
        }
        out.add(hit.index);
      }
    }
    return [...out];
  });
  return { deps, warnings, cycles: findCycles(deps).map((c) => c.map((i) => tasks[i]!.title)) };
}

/** Strongly connected components with more than one node (Tarjan). */
export function findCycles(deps: readonly number[][]): number[][] {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const stack: number[] = [];
  const onStack = new Set<number>();
  const cycles: number[][] = [];
  let counter = 0;
  const visit = (v: number) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of deps[v] ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: number[] = [];
      let w: number;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) cycles.push(comp.sort((a, b) => a - b));
    }
  };
  deps.forEach((_, v) => {
    if (!index.has(v)) visit(v);
  });
  return cycles;
}

/**
 * Merges tasks with the same (normalised) title and the same file set into
 * the first one: dependencies and deliverables are unioned, the longer
 * description is kept.
 */
export function mergeDuplicates(tasks: readonly ArchitectTask[]): MergedTasks {
  const out: ArchitectTask[] = [];
  const byKey = new Map<string, number>();
  const indexMap = tasks.map((task) => {
    const key = `${normalizeTitle(task.title)}\u0000${[...task.file_paths].sort().join("\u0000")}`;
    const at = byKey.get(key);
    if (at === undefined) {
      byKey.set(key, out.length);
      out.push({
        ...task,
        dependencies: [...task.dependencies],
        deliverable_ids: [...task.deliverable_ids],
      });
      return out.length - 1;
    }
    const kept = out[at]!;
    const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];
    kept.dependencies = union(kept.dependencies, task.dependencies)
      .filter((d) => normalizeTitle(d) !== normalizeTitle(kept.title));
    kept.deliverable_ids = union(kept.deliverable_ids, task.deliverable_ids);
    if (task.description.length > kept.description.length) kept.description = task.description;
    kept.phase ??= task.phase;
    return at;
  });
  return { tasks: out, indexMap };
}
