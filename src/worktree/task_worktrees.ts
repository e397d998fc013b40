/**
 * Per-task git worktrees (issue 16): when tasks run side by side, each one
 * codes in its own detached worktree of the plan's repository, made from the
 * plan branch's head, so no task ever reads another's half-written files.
 * On approval its commits are cherry-picked onto the plan branch (approvals
 * come in dependency order: a task only runs once its dependencies are
 * completed, hence integrated); a conflict is aborted cleanly, the task's
 * worktree is reset to the plan's head and the conflict is returned for the
 * task's feedback. Every git call is pinned (`pinned.ts`).
 *
 * A run killed in the middle of a cherry-pick leaves the plan workspace with
 * the pick in progress (`CHERRY_PICK_HEAD`, the sequencer, a half-applied
 * index, some of the task's commits already on the branch). Before anything
 * else touches the plan workspace (a task's worktree made, an integration)
 * such a pick is aborted, which puts the branch back where it was before the
 * interrupted integration: the task, still waiting for its review, brings
 * all its commits again, each once.
 *
 * Folders: `<config dir>/.lao/worktrees/<stem>.task-<id>.<n>`; `n` grows on
 * every new worktree of the task, so a path LAO recorded is never reused.
 *
 * @module
 */
import { join, relative } from "node:path";
import { errorMessage } from "../errors.ts";
import { headFromFiles } from "../git/head_file.ts";
import type { RepoLayout } from "../git/layout.ts";
import { openRepo, pinnedGit, userSettings } from "../git/pinned.ts";
import type { GitRunner } from "../git/runner.ts";
import { entryKind } from "../git/safe_read.ts";

/** The plan fields a task worktree needs. */
export interface IsolatedPlan {
  stem: string;
  workspace: string;
}

/** What integrating a task's commits did. */
export type Integration =
  | { ok: true; picked: number }
  | {
    ok: false;
    files: string[];
    message: string;
    /**
     * Starts the task again from the plan's head (its worktree reset, its copy made
     * anew). Called once the rework is recorded: a crash before that leaves the task's
     * work where the restarted review finds it. Absent: nothing to start again.
     */
    restart?: () => Promise<void>;
  };

/** Task worktrees (or, without git, task copies: `task_copies.ts`) of one config folder. */
export interface TaskWorktrees {
  /**
   * True when tasks of one plan whose target files overlap may run at once
   * (git merges their changes line by line); false: only disjoint ones.
   */
  readonly overlapping: boolean;
  /** The task's own workspace (made on first use), or null when the plan has no repository. */
  open(plan: IsolatedPlan, taskId: number): Promise<string | null>;
  /** Cherry-picks the task's new commits onto the plan branch (see the module doc). */
  integrate(plan: IsolatedPlan, taskId: number): Promise<Integration>;
  /** Removes the task's worktree (after its approval). */
  close(plan: IsolatedPlan, taskId: number): Promise<void>;
}

/** Runs calls one after another (the plan workspace's git calls share one chain). */
export type Serial = <T>(workspace: string, call: () => Promise<T>) => Promise<T>;

/** Runs an integration on the plan workspace's chain; its restart, if any, runs there too. */
export async function serialIntegration(
  serial: Serial,
  plan: IsolatedPlan,
  integrate: () => Promise<Integration>,
): Promise<Integration> {
  const done = await serial(plan.workspace, integrate);
  const restart = !done.ok && done.restart;
  return restart ? { ...done, restart: () => serial(plan.workspace, restart) } : done;
}

/** Creates the task worktrees of `configDir`; `serial` orders calls on one plan workspace. */
export function taskWorktrees(runner: GitRunner, configDir: string, serial: Serial): TaskWorktrees {
  const at: Place = { runner, base: join(configDir, ".lao", "worktrees"), made: new Map() };
  return {
    overlapping: true,
    open: (plan, id) => serial(plan.workspace, () => openWorktree(at, plan, id)),
    integrate: (plan, id) => serialIntegration(serial, plan, () => integrateTask(at, plan, id)),
    close: (plan, id) =>
      serial(plan.workspace, async () => {
        const layout = await planRepo(at, plan);
        const root = await existing(at, plan, id);
        if (!layout || !root) return;
        const removed = await pinnedGit(runner, layout, ["worktree", "remove", "--force", root]);
        if (!removed.ok) {
          await Deno.remove(root, { recursive: true }).catch((err) => {
            throw new Error(`Cannot remove ${root}: ${errorMessage(err)}`);
          });
          await pinnedGit(runner, layout, ["worktree", "prune"]);
        }
        at.made.delete(key(plan, id));
      }),
  };
}

/** The runner, the worktrees' folder and the worktrees made by this process. */
interface Place {
  runner: GitRunner;
  base: string;
  made: Map<string, string>;
}

const key = (plan: IsolatedPlan, id: number) => `${plan.stem}.task-${id}`;

/** The `n` of each worktree folder of the task now on disk, with its path. */
async function numbered(at: Place, plan: IsolatedPlan, id: number) {
  const k = key(plan, id);
  const found: { n: number; path: string }[] = [];
  try {
    for await (const e of Deno.readDir(at.base)) {
      const m = e.name.startsWith(`${k}.`) ? /^\d+$/.exec(e.name.slice(k.length + 1)) : null;
      if (m) found.push({ n: Number(m[0]), path: join(at.base, e.name) });
    }
  } catch {
    // No folder yet: no worktree.
  }
  return found.sort((a, b) => b.n - a.n);
}

/** The task's worktree root now on disk, if any (the highest `n`). */
async function existing(at: Place, plan: IsolatedPlan, id: number): Promise<string | null> {
  const known = at.made.get(key(plan, id));
  if (known && await entryKind(join(known, ".git")) === "file") return known;
  return (await numbered(at, plan, id))[0]?.path ?? null;
}

async function nextRoot(at: Place, plan: IsolatedPlan, id: number): Promise<string> {
  const n = ((await numbered(at, plan, id))[0]?.n ?? -1) + 1;
  return join(at.base, `${key(plan, id)}.${n}`);
}

async function planRepo(at: Place, plan: IsolatedPlan): Promise<RepoLayout | null> {
  const opened = await openRepo(plan.workspace, at.runner);
  return opened.ok ? opened.layout : null;
}

/** The task workspace inside `root` (the plan workspace's place in its repository). */
function within(layout: RepoLayout, root: string): string {
  const rel = relative(layout.toplevel, layout.workspace);
  return rel ? join(root, rel) : root;
}

async function taskRepo(at: Place, root: string, layout: RepoLayout): Promise<RepoLayout | null> {
  const opened = await openRepo(within(layout, root), at.runner);
  return opened.ok && opened.layout?.commonDir === layout.commonDir ? opened.layout : null;
}

/** The commit `layout`'s HEAD names: from its files when they are simple, else `git rev-parse`. */
async function head(at: Place, layout: RepoLayout): Promise<string | null> {
  const read = await headFromFiles(layout);
  if (read) return read;
  const out = await pinnedGit(at.runner, layout, ["rev-parse", "--verify", "HEAD^{commit}"]);
  return out.ok ? out.stdout.trim() : null;
}

/**
 * Aborts a cherry-pick a killed run left in progress in the plan workspace
 * (see the module doc); when git cannot abort it, the pick is dropped and
 * the plan workspace's tracked files put back to its head.
 */
export async function settlePlanRepo(runner: GitRunner, layout: RepoLayout): Promise<void> {
  const inProgress = async () =>
    await entryKind(join(layout.gitDir, "CHERRY_PICK_HEAD")) !== "missing" ||
    await entryKind(join(layout.gitDir, "sequencer")) !== "missing";
  if (!await inProgress()) return;
  await pinnedGit(runner, layout, ["cherry-pick", "--abort"]);
  if (!await inProgress()) return;
  await pinnedGit(runner, layout, ["cherry-pick", "--quit"]);
  await pinnedGit(runner, layout, ["reset", "--quiet", "--hard", "HEAD"]);
}

/** The task's worktree (made from the plan's head the first time), or null without a repository. */
async function openWorktree(at: Place, plan: IsolatedPlan, id: number): Promise<string | null> {
  const layout = await planRepo(at, plan);
  if (!layout || !await head(at, layout)) return null;
  await settlePlanRepo(at.runner, layout);
  const found = await existing(at, plan, id);
  if (found && await taskRepo(at, found, layout)) {
    at.made.set(key(plan, id), found);
    return within(layout, found);
  }
  const root = await nextRoot(at, plan, id);
  await Deno.mkdir(at.base, { recursive: true });
  const add = () =>
    pinnedGit(at.runner, layout, ["worktree", "add", "--quiet", "--detach", root, "HEAD"]);
  let added = await add();
  if (!added.ok && added.code !== -1) {
    // A worktree whose folder went away (a crash, a user's rm) is still registered and
    // may hold this path: forget such registrations and try once more.
    await pinnedGit(at.runner, layout, ["worktree", "prune"]);
    added = await add();
  }
  if (!added.ok) throw new Error(`Cannot make the task's worktree: ${added.error}`);
  at.made.set(key(plan, id), root);
  const ws = within(layout, root);
  await Deno.mkdir(ws, { recursive: true });
  return ws;
}

/** Cherry-picks the task's commits not yet on the plan branch (see the module doc). */
async function integrateTask(at: Place, plan: IsolatedPlan, id: number): Promise<Integration> {
  const { runner } = at;
  const layout = await planRepo(at, plan);
  const root = await existing(at, plan, id);
  const task = layout && root ? await taskRepo(at, root, layout) : null;
  if (!layout || !task) return { ok: true, picked: 0 };
  await settlePlanRepo(runner, layout);
  const [planHead, taskHead] = [await head(at, layout), await head(at, task)];
  if (!planHead || !taskHead) return { ok: true, picked: 0 };
  // `git cherry`: the task's commits not yet on the plan branch, oldest first ("-": applied).
  const cherry = await pinnedGit(runner, layout, ["cherry", planHead, taskHead]);
  if (!cherry.ok) return { ok: false, files: [], message: cherry.error };
  const picks = cherry.stdout.split("\n").filter((l) => l.startsWith("+ ")).map((l) =>
    l.slice(2).trim()
  );
  if (picks.length === 0) return { ok: true, picked: 0 };
  const settings = await userSettings(runner, layout);
  const picked = await pinnedGit(
    runner,
    layout,
    ["cherry-pick", "--allow-empty", "--keep-redundant-commits", ...picks],
    { ...settings.config, ...settings.identity },
  );
  if (picked.ok) return { ok: true, picked: picks.length };
  const conflicts = await pinnedGit(runner, layout, ["diff", "--name-only", "--diff-filter=U"]);
  await pinnedGit(runner, layout, ["cherry-pick", "--abort"]);
  const files = conflicts.ok ? conflicts.stdout.split("\n").filter(Boolean) : [];
  // The task starts again from the plan's head (its old diff goes into its feedback).
  const restart = async () => {
    const now = await head(at, layout);
    if (now) await pinnedGit(runner, task, ["reset", "--quiet", "--hard", now]);
  };
  return { ok: false, files, message: firstLine(picked.stderr || picked.error), restart };
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}
