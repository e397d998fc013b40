/**
 * What the user does with a plan's branch: see it (`lao diff`), take it
 * (`lao merge`: refused while the user's tree has uncommitted changes, never
 * forced, aborted cleanly on a conflict) or drop it (`lao discard`: the
 * worktree and the branch go). All git calls are pinned (`pinned.ts`).
 *
 * @module
 */
import { openRepo, pinnedGit, userSettings } from "../git/pinned.ts";
import type { RepoLayout } from "../git/layout.ts";
import type { GitRunner } from "../git/runner.ts";
import { entryKind } from "../git/safe_read.ts";
import { join } from "node:path";
import { openTarget, type WorktreePlan } from "./worktree.ts";

/** Outcome of a branch operation: text for the user, or why it was refused (one line). */
export type BranchOutcome = { ok: true; text: string } | { ok: false; problem: string };

/** `git diff <base>..lao/<stem>` in the user's repository (`stat`: `--stat` only). */
export async function diffPlan(
  runner: GitRunner,
  plan: WorktreePlan,
  opts: { stat?: boolean } = {},
): Promise<BranchOutcome> {
  const repo = await openTarget(runner, plan);
  if (!repo.ok) return repo;
  const base = plan.base_sha ?? "HEAD";
  const out = await pinnedGit(runner, repo.layout, [
    "diff",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    ...(opts.stat ? ["--stat"] : []),
    `${base}..refs/heads/${plan.branch}`,
    "--",
  ]);
  return out.ok ? { ok: true, text: out.stdout } : { ok: false, problem: out.error };
}

/** The user's uncommitted changes to tracked files (`git status --porcelain`), one per line. */
export async function trackedChanges(
  runner: GitRunner,
  layout: Parameters<typeof pinnedGit>[1],
): Promise<string[] | string> {
  const out = await pinnedGit(runner, layout, [
    "status",
    "--porcelain=v1",
    "--untracked-files=no",
    "--ignore-submodules=all",
  ]);
  if (!out.ok) return out.error;
  return out.stdout.split("\n").filter((l) => l.trim());
}

/**
 * Merges `lao/<stem>` into the user's current branch with a merge commit.
 * Refused when the user's tree or the plan's worktree has uncommitted
 * changes; on a conflict the merge is aborted and the files named.
 */
export async function mergePlan(
  runner: GitRunner,
  plan: WorktreePlan & { filename: string },
  worktree: string,
): Promise<BranchOutcome> {
  const repo = await openTarget(runner, plan);
  if (!repo.ok) return repo;
  const { layout } = repo;
  const refused = await mergeRefusal(runner, layout, worktree);
  if (refused) return { ok: false, problem: refused };
  const branchRef = `refs/heads/${plan.branch}`;
  const ahead = await pinnedGit(runner, layout, ["rev-list", "--count", `HEAD..${branchRef}`]);
  if (!ahead.ok) return { ok: false, problem: ahead.error };
  const count = Number(ahead.stdout.trim());
  if (count === 0) return { ok: true, text: `${plan.branch} has nothing new: already merged` };
  const settings = await userSettings(runner, layout);
  const merged = await pinnedGit(runner, layout, [
    "merge",
    "--no-ff",
    "--no-edit",
    "--no-verify",
    "-m",
    `Merge ${plan.branch} (LAO plan ${plan.filename})`,
    branchRef,
  ], { ...settings.config, ...settings.identity });
  if (!merged.ok) {
    return { ok: false, problem: await abortMerge(runner, layout, plan, merged.error) };
  }
  return {
    ok: true,
    text: `merged ${plan.branch} (${count} commit${count === 1 ? "" : "s"}) into your branch in ` +
      layout.toplevel,
  };
}

/** Why a merge may not start: uncommitted changes in the user's tree or the plan's worktree. */
async function mergeRefusal(
  runner: GitRunner,
  layout: RepoLayout,
  worktree: string,
): Promise<string | null> {
  const dirty = await trackedChanges(runner, layout);
  if (typeof dirty === "string") return dirty;
  if (dirty.length > 0) {
    return `your working tree in ${layout.toplevel} has uncommitted changes (${dirty.length} ` +
      `file${dirty.length === 1 ? "" : "s"}, e.g. ${dirty[0]!.slice(3)}); commit or stash them, ` +
      "then run lao merge again";
  }
  if (await entryKind(join(worktree, ".git")) !== "file") return null;
  const wt = await openRepo(worktree, runner);
  if (!wt.ok || !wt.layout) return null;
  const open = await trackedChanges(runner, wt.layout);
  return Array.isArray(open) && open.length > 0
    ? `the plan's worktree ${worktree} has uncommitted changes (a task is in progress); let ` +
      "lao run finish it, then merge"
    : null;
}

/** Aborts a merge that stopped; the problem names the conflicting files when there are any. */
async function abortMerge(
  runner: GitRunner,
  layout: RepoLayout,
  plan: WorktreePlan,
  error: string,
): Promise<string> {
  const conflicts = await pinnedGit(runner, layout, ["diff", "--name-only", "--diff-filter=U"]);
  await pinnedGit(runner, layout, ["merge", "--abort"]);
  const files = conflicts.ok ? conflicts.stdout.split("\n").filter(Boolean) : [];
  return files.length
    ? `merging ${plan.branch} conflicts in ${files.join(", ")}; nothing was changed (merge by ` +
      `hand: git merge ${plan.branch})`
    : `${error}; nothing was changed`;
}

/** Removes the plan's worktree and deletes its branch. */
export async function discardPlan(
  runner: GitRunner,
  plan: WorktreePlan,
  worktree: string,
): Promise<BranchOutcome> {
  const repo = await openTarget(runner, plan);
  if (!repo.ok) return repo;
  const git = (args: string[]) => pinnedGit(runner, repo.layout, args);
  const notes: string[] = [];
  if (await entryKind(worktree) !== "missing") {
    const removed = await git(["worktree", "remove", "--force", worktree]);
    if (!removed.ok) return { ok: false, problem: removed.error };
    notes.push(`removed the worktree ${worktree}`);
  }
  await git(["worktree", "prune"]);
  const exists = await git(["rev-parse", "--verify", "--quiet", `refs/heads/${plan.branch}`]);
  if (exists.ok) {
    const deleted = await git(["branch", "-D", plan.branch!]);
    if (!deleted.ok) return { ok: false, problem: deleted.error };
    notes.push(`deleted branch ${plan.branch}`);
  }
  return { ok: true, text: notes.length ? notes.join("; ") : "nothing to discard" };
}
