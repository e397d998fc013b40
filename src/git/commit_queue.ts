/**
 * A workspace's commits in the background (issue 12): a phase queues its
 * commit and goes on; the commits of one workspace run one after another, in
 * the order they were queued, each holding exactly the files it would have
 * held had the phase waited for it. That holds because whatever could change
 * those files first waits for them:
 *
 * - a write of a path waits for the queued commits that hold that path
 *   ({@linkcode CommitQueue.settled} with paths; a write elsewhere goes on);
 * - a shell or validation command, any other git call of the workspace
 *   (snapshot, architect, report, undo: {@linkcode CommitQueue.run}) and the
 *   end of the run ({@linkcode settleCommits}) wait for all of them.
 *
 * Reads never wait: a commit does not change the working tree.
 *
 * @module
 */

/** A queued commit: the workspace-relative paths it holds and when it has landed. */
interface Pending {
  /** `null`: any path (e.g. replaying what an earlier run left). */
  files: readonly string[] | null;
  done: Promise<void>;
}

/** What a job left under way once its commit landed (see {@linkcode CommitQueue.enqueue}). */
export interface Trailing {
  after: Promise<void>;
}

/** Queues with work in flight, for {@linkcode settleCommits}. */
const busy = new Set<CommitQueue>();

/** One workspace's chain of git work. */
export class CommitQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #pending: Pending[] = [];

  /** Commits queued and not landed yet. */
  get size(): number {
    return this.#pending.length;
  }

  /**
   * Queues `job` (which must not throw; a throw is swallowed) after everything
   * queued before; `files` are the paths it commits (`null`: any). The job
   * may return bookkeeping still under way once its commit has landed (the
   * journal's record of it): the next job starts without waiting for that,
   * while this entry counts as landed ({@linkcode CommitQueue.settled}, the
   * returned promise, {@linkcode settleCommits}) only once it is done too.
   */
  enqueue(
    files: readonly string[] | null,
    job: () => Promise<Trailing | void>,
  ): Promise<void> {
    const landed = this.#tail.then(job).catch(() => undefined);
    const done = landed.then((left) => left?.after).catch(() => {});
    const entry: Pending = { files, done };
    this.#pending.push(entry);
    busy.add(this);
    this.#tail = landed;
    return done.then(() => {
      this.#pending = this.#pending.filter((p) => p !== entry);
      if (this.#pending.length === 0) busy.delete(this);
    });
  }

  /** Runs `job` after everything queued before it and returns its result (git calls that wait). */
  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(job);
    this.#tail = result.catch(() => {});
    return result;
  }

  /**
   * Resolves when every commit queued so far that holds one of `paths` (all
   * of them when `paths` is omitted) has landed. A path holds a folder's
   * entries too: `src` covers `src/a.ts` and the other way round.
   */
  async settled(paths?: readonly string[]): Promise<void> {
    const waits = this.#pending.filter((p) =>
      !paths || !p.files || p.files.some((f) => paths.some((q) => overlaps(f, q)))
    );
    if (waits.length === 0) return;
    await Promise.all(waits.map((p) => p.done));
  }
}

/** True when one path is the other or lies inside it. */
function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/**
 * Resolves when every queue of the process is empty (the end of a run, an
 * interrupt, exit): commits queued while waiting are waited for as well.
 */
export async function settleCommits(): Promise<void> {
  while (busy.size > 0) await Promise.all([...busy].map((q) => q.settled()));
}
