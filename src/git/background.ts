/**
 * What the phases use to take their commits off the critical path
 * (`commit_queue.ts`): queue a commit where the port can, else make it at
 * once; and the waits that keep each queued commit holding exactly its
 * files: the coder's writes wait for the queued commits of the written
 * path, its shell and the validation commands for all of them.
 *
 * @module
 */
import type { WorkspaceFs } from "../workspace/workspace_fs.ts";
import type { CoderInput, PlanGitPort, ReviewInput } from "./port.ts";

/** Queues the coder commit when `git` can (resolves once recorded), else makes it. */
export async function commitCoderSoon(git: PlanGitPort, input: CoderInput): Promise<void> {
  if (git.queueCoder) await git.queueCoder(input);
  else await git.commitCoder(input);
}

/** Queues the reviewer commit when `git` can, else makes it. */
export async function commitReviewSoon(git: PlanGitPort, input: ReviewInput): Promise<void> {
  if (git.queueReview) await git.queueReview(input);
  else await git.commitReview(input);
}

/** `fs` whose writes first wait for the queued commits holding the written path. */
export function writesAfterCommits(fs: WorkspaceFs, git: PlanGitPort): WorkspaceFs {
  const settle = git.settle?.bind(git);
  if (!settle) return fs;
  return {
    get root() {
      return fs.root;
    },
    readText: (path) => fs.readText(path),
    isFile: (path) => fs.isFile(path),
    walk: (options) => fs.walk(options),
    relative: (path) => fs.relative(path),
    writeText: async (path, content) => {
      // A path the guard refuses waits for everything; the write then fails as before.
      const rel = await fs.relative(path).catch(() => null);
      await settle(rel === null ? undefined : [rel]);
      return await fs.writeText(path, content);
    },
  };
}

/** `run` (a shell or a validation command) that first waits for every queued commit. */
export function afterCommits<A extends unknown[], R>(
  run: (...args: A) => Promise<R>,
  git: PlanGitPort,
): (...args: A) => Promise<R> {
  const settle = git.settle?.bind(git);
  if (!settle) return run;
  return async (...args) => {
    await settle();
    return await run(...args);
  };
}
