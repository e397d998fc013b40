/**
 * {@linkcode NoGit}: the {@linkcode PlanGitPort} used when git traceability is
 * off (`git.enabled: false` or `--no-git`). Every commit is a no-op.
 *
 * @module
 */
import type {
  ArchitectInput,
  CoderInput,
  CommitResult,
  PlanGitPort,
  PlanSnapshotInput,
  ReviewInput,
  UndoResult,
} from "./port.ts";

/** A {@linkcode PlanGitPort} that records nothing. */
export class NoGit implements PlanGitPort {
  /** Does nothing; returns `null`. */
  commitPlanSnapshot(_planText: string, _input: PlanSnapshotInput): Promise<CommitResult | null> {
    return Promise.resolve(null);
  }

  /** Does nothing; returns `null`. */
  commitArchitect(_input: ArchitectInput): Promise<CommitResult | null> {
    return Promise.resolve(null);
  }

  /** Does nothing; returns `null`. */
  commitCoder(_input: CoderInput): Promise<CommitResult | null> {
    return Promise.resolve(null);
  }

  /** Does nothing; returns `null`. */
  commitReview(_input: ReviewInput): Promise<CommitResult | null> {
    return Promise.resolve(null);
  }

  /** Does nothing; returns `null`. */
  commitReport(_files: string[]): Promise<CommitResult | null> {
    return Promise.resolve(null);
  }

  /** Refuses: without git there is nothing to revert. */
  undoTask(taskId: number): Promise<UndoResult> {
    return Promise.resolve({
      ok: false,
      message: `Cannot undo task #${taskId}: git traceability is disabled`,
    });
  }
}
