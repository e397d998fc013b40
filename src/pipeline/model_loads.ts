/**
 * Model-load arithmetic for a plan: the fewest loads its dependency graph
 * allows. A task can be coded only after its dependencies were reviewed, so
 * with distinct coder and reviewer models every level of the longest
 * dependency chain costs one coder load and one reviewer load. A task sent
 * back for rework costs one more code and review round before its dependents
 * can start, so each attempt counts as a level of its chain.
 *
 * @module
 */

/**
 * Longest dependency chain, counted in code-and-review rounds: a task counts
 * `1 + attempt` (its reworks; `attempt` absent counts 0), 0 for no tasks.
 */
export function dependencyDepth(
  tasks: readonly { id: number; dependencies: number[]; attempt?: number }[],
): number {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const memo = new Map<number, number>();
  const visiting = new Set<number>();
  const depth = (id: number): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 1; // a cycle: count it once
    visiting.add(id);
    const t = byId.get(id);
    const rounds = 1 + Math.max(0, t?.attempt ?? 0);
    const d = rounds +
      Math.max(0, ...(t?.dependencies ?? []).filter((x) => byId.has(x)).map(depth));
    visiting.delete(id);
    memo.set(id, d);
    return d;
  };
  return Math.max(0, ...tasks.map((t) => depth(t.id)));
}

/** Model keys per role. */
export interface RoleKeys {
  planner: string;
  coder: string;
  reviewer: string;
}

/** The lower bound of model loads for a plan with the given depth, starting from nothing loaded. */
export function loadLowerBound(depth: number, keys: RoleKeys): number {
  if (depth === 0) return 1;
  if (keys.coder === keys.reviewer) return keys.planner === keys.coder ? 1 : 2;
  return 1 + 2 * depth - (keys.planner === keys.coder ? 1 : 0);
}
