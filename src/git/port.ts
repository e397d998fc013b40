/**
 * The git traceability port the pipeline talks to. {@linkcode PlanGit} records
 * every phase as a commit; `NoGit` (for `git.enabled: false` / `--no-git`)
 * does nothing, so callers never branch on whether git is on.
 *
 * @module
 */
import type { ReviewVerdict } from "./message.ts";

/** A commit LAO made. */
export interface CommitResult {
  /** Full commit hash. */
  sha: string;
  /** The commit's subject line. */
  subject: string;
}

/** Input of {@linkcode PlanGitPort.commitPlanSnapshot}. */
export interface PlanSnapshotInput {
  /** The plan file's name (for the snapshot header). */
  sourceFile: string;
  /** The plan's stem (file name without `.md`). */
  stem: string;
  /** The plan's id. */
  planId: string;
  /** LAO's version (for the snapshot header). */
  version: string;
}

/** A task as recorded in `LAO_TASKS.json`. */
export interface TaskSummary {
  /** Task id. */
  id: number;
  /** Task title. */
  title: string;
  /** Task status. */
  status: string;
}

/** Input of {@linkcode PlanGitPort.commitArchitect}. */
export interface ArchitectInput {
  /** The plan's id. */
  planId: string;
  /** The plan's stem. */
  stem: string;
  /** The tasks the architect produced. */
  tasks: TaskSummary[];
}

/** Input of {@linkcode PlanGitPort.commitCoder}. */
export interface CoderInput {
  /** The plan's id. */
  planId: string;
  /** The task's id. */
  taskId: number;
  /** The task's title. */
  title: string;
  /** Workspace-relative files the coder wrote or deleted; exactly these are committed. */
  files: string[];
}

/** Input of {@linkcode PlanGitPort.commitReview}. */
export interface ReviewInput {
  /** The plan's id. */
  planId: string;
  /** The task's id. */
  taskId: number;
  /** The task's title. */
  title: string;
  /** The review outcome. */
  verdict: ReviewVerdict;
}

/** Result of undoing a task. */
export type UndoResult =
  | {
    ok: true;
    /** The task's coder commits that were reverted, newest first. */
    reverted: string[];
    /** Workspace-relative files the reverted commits touched. */
    files: string[];
    /** The revert commits created. */
    commits: CommitResult[];
  }
  | {
    ok: false;
    /** Why the task was not undone (one line, for the user). */
    message: string;
  };

/** Per-plan git traceability. Every method reports problems as warnings and never throws. */
export interface PlanGitPort {
  /** Writes the plan snapshot file and commits it; `null` when nothing was committed. */
  commitPlanSnapshot(planText: string, input: PlanSnapshotInput): Promise<CommitResult | null>;
  /** Writes `LAO_TASKS.json` and commits it. */
  commitArchitect(input: ArchitectInput): Promise<CommitResult | null>;
  /** Commits exactly the task's files. */
  commitCoder(input: CoderInput): Promise<CommitResult | null>;
  /** Appends to `LAO_REVIEW.log` and commits it. */
  commitReview(input: ReviewInput): Promise<CommitResult | null>;
  /** Commits exactly the given report files. */
  commitReport(files: string[]): Promise<CommitResult | null>;
  /** Reverts the task's coder commits (see `undoTask`). */
  undoTask(taskId: number, options?: { note?: string }): Promise<UndoResult>;
  /**
   * Queues {@linkcode PlanGitPort.commitCoder}'s commit; resolves once it is
   * recorded, it lands in the background (`commit_queue.ts`). Absent: the
   * caller awaits `commitCoder` (use `background.ts`, which picks).
   */
  queueCoder?(input: CoderInput): Promise<void>;
  /** Queues {@linkcode PlanGitPort.commitReview}'s commit, like `queueCoder`. */
  queueReview?(input: ReviewInput): Promise<void>;
  /** Resolves when the queued commits holding one of `paths` (all when omitted) have landed. */
  settle?(paths?: readonly string[]): Promise<void>;
}
