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
 * Folders: `<config dir>/.lao/worktrees/<stem>.task-<id>.<n>`; `n` grows on
 * every new worktree of the task, so a path LAO recorded is never reused.
 *
 * @module
 */
import { join, relative } from "node:path";
import { errorMessage } from "../errors.ts";
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
  | { ok: false; files: string[]; message: string };

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

/** Creates the task worktrees of `configDir`; `serial` orders calls on one plan workspace. */
export function taskWorktrees(runner: GitRunner, configDir: string, serial: Serial): TaskWorktrees {
  const base = join(configDir, ".lao", "worktrees");
  const made = new Map<string, string>();
  const key = (plan: IsolatedPlan, id: number) => `${plan.stem}.task-${id}`;

  /** The task's worktree root now on disk, if any (the highest `n`). */
  async function existing(plan: IsolatedPlan, id: number): Promise<string | null> {
    const k = key(plan, id);
    const known = made.get(k);
    if (known && await entryKind(join(known, ".git")) === "file") return known;
    let best: { n: number; path: string } | null = null;
    try {
      for await (const e of Deno.readDir(base)) {
        const m = e.name.startsWith(`${k}.`) ? /^\d+$/.exec(e.name.slice(k.length + 1)) : null;
        if (m && (!best || Number(m[0]) > best.n)) {
          best = { n: Number(m[0]), path: join(base, e.name) };
        }
      }
    } catch {
      return null;
    }
    return best?.path ?? null;
  }

  async function nextRoot(plan: IsolatedPlan, id: number): Promise<string> {
    const k = key(plan, id);
    let n = 0;
    try {
      for await (const e of Deno.readDir(base)) {
        const m = e.name.startsWith(`${k}.`) ? /^\d+$/.exec(e.name.slice(k.length + 1)) : null;
        if (m) n = Math.max(n, Number(m[0]) + 1);
      }
    } catch {
      // No folder yet: the first worktree.
    }
    return join(base, `${k}.${n}`);
  }

  async function planRepo(plan: IsolatedPlan): Promise<RepoLayout | null> {
    const opened = await openRepo(plan.workspace, runner);
    return opened.ok ? opened.layout : null;
  }

  /** The task workspace inside `root` (the plan workspace's place in its repository). */
  function within(layout: RepoLayout, root: string): string {
    const rel = relative(layout.toplevel, layout.workspace);
    return rel ? join(root, rel) : root;
  }

  async function taskRepo(root: string, layout: RepoLayout): Promise<RepoLayout | null> {
    const opened = await openRepo(within(layout, root), runner);
    return opened.ok && opened.layout?.commonDir === layout.commonDir ? opened.layout : null;
  }

  async function head(layout: RepoLayout): Promise<string | null> {
    const out = await pinnedGit(runner, layout, ["rev-parse", "--verify", "HEAD^{commit}"]);
    return out.ok ? out.stdout.trim() : null;
  }

  return {
    overlapping: true,
    open: (plan, id) =>
      serial(plan.workspace, async () => {
        const layout = await planRepo(plan);
        if (!layout || !await head(layout)) return null;
        const found = await existing(plan, id);
        if (found && await taskRepo(found, layout)) {
          made.set(key(plan, id), found);
          return within(layout, found);
        }
        const root = await nextRoot(plan, id);
        await Deno.mkdir(base, { recursive: true });
        await pinnedGit(runner, layout, ["worktree", "prune"]);
        const added = await pinnedGit(runner, layout, [
          "worktree",
          "add",
          "--quiet",
          "--detach",
          root,
          "HEAD",
        ]);
        if (!added.ok) throw new Error(`Cannot make the task's worktree: ${added.error}`);
        made.set(key(plan, id), root);
        const ws = within(layout, root);
        await Deno.mkdir(ws, { recursive: true });
        return ws;
      }),

    integrate: (plan, id) =>
      serial(plan.workspace, async () => {
        const layout = await planRepo(plan);
        const root = await existing(plan, id);
        const task = layout && root ? await taskRepo(root, layout) : null;
        if (!layout || !task) return { ok: true, picked: 0 };
        const [planHead, taskHead] = [await head(layout), await head(task)];
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
        const conflicts = await pinnedGit(runner, layout, [
          "diff",
          "--name-only",
          "--diff-filter=U",
        ]);
        await pinnedGit(runner, layout, ["cherry-pick", "--abort"]);
        // The task starts again from the plan's head (its old diff goes into its feedback).
        await pinnedGit(runner, task, ["reset", "--quiet", "--hard", planHead]);
        const files = conflicts.ok ? conflicts.stdout.split("\n").filter(Boolean) : [];
        return { ok: false, files, message: firstLine(picked.stderr || picked.error) };
      }),

    close: (plan, id) =>
      serial(plan.workspace, async () => {
        const layout = await planRepo(plan);
        const root = await existing(plan, id);
        if (!layout || !root) return;
        const removed = await pinnedGit(runner, layout, ["worktree", "remove", "--force", root]);
        if (!removed.ok) {
          await Deno.remove(root, { recursive: true }).catch((err) => {
            throw new Error(`Cannot remove ${root}: ${errorMessage(err)}`);
          });
          await pinnedGit(runner, layout, ["worktree", "prune"]);
        }
        made.delete(key(plan, id));
      }),
  };
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}
