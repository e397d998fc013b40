/**
 * Undoing a task: revert its coder commit(s), unless a later task's coder
 * commit touched the same files (that task depends on the change) or git
 * cannot revert cleanly (then the revert is aborted and the tree left as it was).
 * Every git call is pinned to the recorded repository and re-checked first
 * (`pinned.ts`), so a tampered repository is refused before anything runs.
 *
 * @module
 */
import type { Emit } from "../events/bus.ts";
import type { RepoLayout } from "./layout.ts";
import { openRepo, pinnedGit, userSettings } from "./pinned.ts";
import type { CommitResult, UndoResult } from "./port.ts";
import type { GitResult, GitRunner } from "./runner.ts";

/** Options for {@linkcode undoTask}. */
export interface UndoOptions {
  /** Runner with LAO's hook-free environment. */
  runner: GitRunner;
  /**
   * Why the task is undone. Not written to git (reverts use git's default
   * message); the caller stores it as the task's feedback.
   */
  note?: string;
  /** Receives a `git.commit` event per revert commit. */
  emit?: Emit;
  /** Extra `-c` settings for the revert commits (the identity); read from the user's config when omitted. */
  config?: Record<string, string>;
  /** The repository's recorded layout (found with `openRepo` when omitted). */
  layout?: RepoLayout;
}

/** One commit of the workspace history, as {@linkcode undoTask} sees it. */
export interface HistoryCommit {
  /** Full hash. */
  sha: string;
  /** Subject line. */
  subject: string;
  /** Task id of a coder commit (from the `LAO-Task-ID` trailer or the subject), else undefined. */
  coderTask?: number;
  /** Hash this commit reverts (`This reverts commit …`), if any. */
  reverts?: string;
}

const CODER_SUBJECT = /^lao\(coder\): task #(\d+)(?:\s|$)/;

/** Parses `git log` output made with {@linkcode HISTORY_FORMAT} (newest first). */
export function parseHistory(stdout: string): HistoryCommit[] {
  const commits: HistoryCommit[] = [];
  for (const record of stdout.split("\x1e")) {
    const [sha = "", subject = "", trailer = "", body = ""] = record.replace(/^\n/, "").split(
      "\x1f",
    );
    if (!/^[0-9a-f]{7,64}$/.test(sha)) continue;
    const commit: HistoryCommit = { sha, subject };
    if (subject.startsWith("lao(coder):")) {
      const fromTrailer = Number.parseInt(trailer.trim().split(/[,\s]/)[0] ?? "", 10);
      const fromSubject = Number.parseInt(CODER_SUBJECT.exec(subject)?.[1] ?? "", 10);
      const id = Number.isFinite(fromTrailer) ? fromTrailer : fromSubject;
      if (Number.isFinite(id)) commit.coderTask = id;
    }
    const reverts = /This reverts commit ([0-9a-f]{7,64})/.exec(body)?.[1];
    if (reverts) commit.reverts = reverts;
    commits.push(commit);
  }
  return commits;
}

/** `git log --format` for {@linkcode parseHistory}. */
export const HISTORY_FORMAT = "%H%x1f%s%x1f%(trailers:key=LAO-Task-ID,valueonly,separator=%x2C)" +
  "%x1f%b%x1e";

/**
 * Reverts task `taskId`'s coder commits in `workspace`, newest first, and
 * returns what was reverted; refuses (with a one-line message) when a later
 * task changed the same files or git cannot revert cleanly. Never throws.
 */
export async function undoTask(
  workspace: string,
  taskId: number,
  options: UndoOptions,
): Promise<UndoResult> {
  const { runner } = options;
  const refuse = (why: string): UndoResult => ({
    ok: false,
    message: `Cannot undo task #${taskId}: ${why}`,
  });
  let layout = options.layout;
  if (!layout) {
    const opened = await openRepo(workspace, runner);
    if (!opened.ok) return refuse(opened.problem);
    if (!opened.layout) return refuse("the workspace is not in a git repository");
    layout = opened.layout;
  }
  const pinned = layout;
  let config = options.config;
  if (!config) {
    const settings = await userSettings(runner, pinned);
    config = { ...settings.config, ...settings.identity };
  }
  const git = (args: string[]) => pinnedGit(runner, pinned, args, config);

  const log = await git(["log", `--format=${HISTORY_FORMAT}`, "--", "."]);
  if (!log.ok) return refuse(log.error);
  const history = parseHistory(log.stdout);
  const reverted = new Set(history.flatMap((c) => c.reverts ? [c.reverts] : []));
  const live = history.filter((c) => c.coderTask !== undefined && !reverted.has(c.sha));
  const own = live.filter((c) => c.coderTask === taskId);
  if (own.length === 0) return refuse("no coder commit for it was found (already undone?)");

  const filesOf = await filesOfCommits(git, live);
  if (typeof filesOf === "string") return refuse(filesOf);
  const conflicts = findConflicts(live, taskId, filesOf);
  if (conflicts.length > 0) {
    const tasks = [...new Set(conflicts.map((c) => `#${c.task}`))].join(", ");
    const files = [...new Set(conflicts.flatMap((c) => c.files))].join(", ");
    return refuse(`later task ${tasks} changed the same files (${files}); undo that first`);
  }

  const busy = await operationInProgress(git);
  if (busy) return refuse(`a ${busy} is in progress in the repository; finish or abort it first`);
  const before = await git(["rev-parse", "HEAD"]);
  if (!before.ok) return refuse(before.error);
  const shas = own.map((c) => c.sha);
  const revert = await git(["revert", "--no-edit", ...shas]);
  if (!revert.ok) {
    await git(["revert", "--abort"]);
    return refuse(revert.error);
  }
  const commits = await commitsSince(git, before.stdout.trim());
  for (const c of commits) {
    options.emit?.({ type: "git.commit", subject: c.subject, sha: c.sha, workspace });
  }
  const files = [...new Set(shas.flatMap((s) => filesOf.get(s) ?? []))].sort();
  return { ok: true, reverted: shas, files, commits };
}

type Git = (args: string[]) => Promise<GitResult>;

/** The files each commit touched (workspace-relative); a git error's text on failure. */
async function filesOfCommits(
  git: Git,
  commits: readonly { sha: string }[],
): Promise<Map<string, string[]> | string> {
  const filesOf = new Map<string, string[]>();
  for (const commit of commits) {
    const tree = await git([
      "diff-tree",
      "--root",
      "--no-commit-id",
      "--name-only",
      "-r",
      "-z",
      "--relative",
      "--no-ext-diff",
      "--no-textconv",
      commit.sha,
    ]);
    if (!tree.ok) return tree.error;
    filesOf.set(commit.sha, tree.stdout.split("\0").filter((f) => f !== ""));
  }
  return filesOf;
}

/** The commits made after `before` (the reverts), oldest last as git lists them. */
async function commitsSince(git: Git, before: string): Promise<CommitResult[]> {
  const made = await git(["log", "--format=%H%x1f%s", `${before}..HEAD`]);
  return made.stdout.split("\n").filter((l) => l.includes("\x1f")).map((line) => {
    const [sha = "", subject = ""] = line.split("\x1f");
    return { sha, subject };
  });
}

/** Names a merge/revert/cherry-pick the user has in progress (never abort theirs). */
async function operationInProgress(
  git: (args: string[]) => Promise<{ ok: boolean; stdout: string }>,
): Promise<string> {
  const refs = [["MERGE_HEAD", "merge"], ["REVERT_HEAD", "revert"], [
    "CHERRY_PICK_HEAD",
    "cherry-pick",
  ]];
  for (const [ref = "", name = ""] of refs) {
    if ((await git(["rev-parse", "--verify", "--quiet", ref])).ok) return name;
  }
  const seq = await git(["rev-parse", "--path-format=absolute", "--git-path", "sequencer"]);
  if (seq.ok) {
    try {
      await Deno.lstat(seq.stdout.trim());
      return "revert or cherry-pick sequence";
    } catch {
      // No sequencer state.
    }
  }
  return "";
}

/** A later task whose coder commit overlaps the undone task's files. */
export interface UndoConflict {
  /** The later task's id. */
  task: number;
  /** The overlapping files. */
  files: string[];
}

/** Finds later coder commits of other tasks touching files of `taskId`'s commits (pure). */
export function findConflicts(
  newestFirst: readonly HistoryCommit[],
  taskId: number,
  filesOf: ReadonlyMap<string, readonly string[]>,
): UndoConflict[] {
  const conflicts: UndoConflict[] = [];
  newestFirst.forEach((commit, index) => {
    if (commit.coderTask !== taskId) return;
    const mine = new Set(filesOf.get(commit.sha) ?? []);
    for (const later of newestFirst.slice(0, index)) {
      if (later.coderTask === undefined || later.coderTask === taskId) continue;
      const overlap = (filesOf.get(later.sha) ?? []).filter((f) => mine.has(f));
      if (overlap.length > 0) conflicts.push({ task: later.coderTask, files: overlap });
    }
  });
  return conflicts;
}
