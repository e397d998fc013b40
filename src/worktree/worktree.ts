/**
 * A plan's git worktree (issue 15): `<config dir>/.lao/worktrees/<stem>/` on
 * branch `lao/<stem>`, made from the target repository's current HEAD with
 * `git worktree add`, so the user's working tree, index and branch are never
 * touched. Every call goes through the hardened {@linkcode GitRunner},
 * pinned to the repository's recorded layout (`pinned.ts`); the worktree
 * itself is a linked worktree, which `layout.ts` accepts.
 *
 * @module
 */
import { join, relative } from "node:path";
import { errorMessage } from "../errors.ts";
import type { RepoLayout } from "../git/layout.ts";
import { openRepo, pinnedGit } from "../git/pinned.ts";
import type { GitResult, GitRunner } from "../git/runner.ts";
import { entryKind } from "../git/safe_read.ts";

/** A plan that works in a worktree (the store's plan row fields used here). */
export interface WorktreePlan {
  stem: string;
  /** The folder the plan targets (in the user's repository). */
  target: string | null;
  /** `lao/<stem>`. */
  branch: string | null;
  /** The commit the branch was made from, once known. */
  base_sha: string | null;
}

/** The user's repository behind a plan's target folder. */
export type TargetRepo = { ok: true; layout: RepoLayout } | { ok: false; problem: string };

/** Opens the repository containing the plan's target folder (pinned, recorded). */
export async function openTarget(runner: GitRunner, plan: WorktreePlan): Promise<TargetRepo> {
  if (!plan.target || !plan.branch) {
    return { ok: false, problem: `plan ${plan.stem} does not work in a git worktree` };
  }
  const opened = await openRepo(plan.target, runner);
  if (!opened.ok) return { ok: false, problem: opened.problem };
  if (!opened.layout) {
    return { ok: false, problem: `${plan.target} is not in a git repository` };
  }
  return { ok: true, layout: opened.layout };
}

/** What {@linkcode ensureWorktree} made or found. */
export type WorktreeResult =
  | {
    ok: true;
    /** The plan's workspace inside the worktree (the target's place in it). */
    workspace: string;
    /** The worktree's top-level folder. */
    root: string;
    /** The commit the branch was made from. */
    baseSha: string;
    /** True when this call created the worktree. */
    created: boolean;
  }
  | { ok: false; problem: string };

/**
 * Makes sure the plan's worktree exists at `root` on its branch: created
 * from HEAD (new branch), re-attached to the existing branch when only the
 * folder is gone, or reused. Never throws.
 */
export async function ensureWorktree(
  runner: GitRunner,
  plan: WorktreePlan,
  root: string,
): Promise<WorktreeResult> {
  const repo = await openTarget(runner, plan);
  if (!repo.ok) return repo;
  const { layout } = repo;
  const branch = plan.branch!;
  const realTarget = await Deno.realPath(plan.target!).catch(() => plan.target!);
  const rel = relative(layout.toplevel, realTarget);
  const workspace = rel ? join(root, rel) : root;
  const git = (args: string[]) => pinnedGit(runner, layout, args);
  const head = await git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
  if (!head.ok && !plan.base_sha) {
    return {
      ok: false,
      problem: `${layout.toplevel} has no commit yet; commit once, then run again`,
    };
  }
  const kind = await entryKind(join(root, ".git"));
  if (kind === "file") {
    const wt = await openRepo(root, runner);
    if (!wt.ok) return { ok: false, problem: wt.problem };
    if (!wt.layout || wt.layout.commonDir !== layout.commonDir) {
      return { ok: false, problem: `${root} is not a worktree of ${layout.toplevel}` };
    }
    const current = await pinnedGit(runner, wt.layout, ["symbolic-ref", "--quiet", "HEAD"]);
    if (current.ok && current.stdout.trim() === `refs/heads/${branch}`) {
      return {
        ok: true,
        workspace,
        root,
        baseSha: plan.base_sha ?? head.stdout.trim(),
        created: false,
      };
    }
    return {
      ok: false,
      problem: `${root} is not on branch ${branch}; run lao discard and start again`,
    };
  }
  if (kind !== "missing") {
    return { ok: false, problem: `${root} exists but is not a worktree LAO made` };
  }
  try {
    await Deno.mkdir(join(root, ".."), { recursive: true });
  } catch (err) {
    return { ok: false, problem: `Cannot create ${join(root, "..")}: ${errorMessage(err)}` };
  }
  await git(["worktree", "prune"]);
  const exists = await git(["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]);
  const baseSha = plan.base_sha ?? head.stdout.trim();
  const added: GitResult = exists.ok
    ? await git(["worktree", "add", "--quiet", root, branch])
    : await git(["worktree", "add", "--quiet", "-b", branch, root, baseSha]);
  if (!added.ok) return { ok: false, problem: added.error };
  return { ok: true, workspace, root, baseSha, created: true };
}
