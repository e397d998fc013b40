/**
 * Where a plan that works on existing code gets its git worktree, and the
 * branch it works on. The plan intake and the worktree preparation both
 * follow this one rule.
 *
 * @module
 */
import { join } from "node:path";

/** The worktree folder of a plan: `<config dir>/.lao/worktrees/<stem>`. */
export function worktreeRoot(configDir: string, stem: string): string {
  return join(configDir, ".lao", "worktrees", stem);
}

/** The branch of a plan that works in a worktree: `lao/<stem>`, made safe for git. */
export function planBranch(stem: string): string {
  return `lao/${stem.replace(/[^\w.-]/g, "-").replace(/^[.-]+/, "_").replace(/\.lock$/, "_lock")}`;
}
