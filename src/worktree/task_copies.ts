/**
 * Per-task copies of the plan workspace (issue 16, no git): when tasks run
 * side by side without git, each one works in its own copy of the plan
 * workspace, so no task reads another's half-written files. Its shell is
 * rooted at the copy like any workspace (the sandbox binds only the
 * workspace it is given; `.lao/` stays out of sight). The copy records each
 * file's content hash when it is made.
 *
 * On approval the files the task changed in its copy (those whose hash now
 * differs from the recorded one: made, changed or removed) are copied back.
 * A file the plan workspace changed since the copy (its hash differs from
 * the recorded one, and it does not already hold the task's version) is a
 * conflict: nothing is copied back, the copy is made again from the plan
 * workspace and the conflict is returned for the task's feedback, as for a
 * git cherry-pick. Copying back is idempotent: a run killed half way
 * through finds the files already copied equal to the task's and goes on.
 *
 * Folders: `<config dir>/.lao/task-copies/<stem>/<task id>/`, the recorded
 * hashes beside it in `<task id>.json` (outside the copy: the task cannot
 * rewrite them). A copy goes when its task ends; at the first use in a
 * process, copies of ended or unknown tasks and half-made copies (no hashes
 * recorded: the run died while copying) are removed.
 *
 * @module
 */
import { join } from "node:path";
import { readTextIfExists, workspaceIo } from "../workspace/guarded_io.ts";
import {
  COPY_LIMITS,
  type CopyLimits,
  copyTree,
  entryHash,
  hashTree,
  readEntry,
  removeEntry,
  type TreeHashes,
  writeEntry,
} from "../workspace/tree_copy.ts";
import {
  type Integration,
  type IsolatedPlan,
  type Serial,
  serialIntegration,
  type TaskWorktrees,
} from "./task_worktrees.ts";

/** What the task copies need besides the config folder. */
export interface TaskCopyOptions {
  /** A task's status now (the store's), undefined for an unknown task. */
  taskStatus(id: number): string | undefined;
  /** Says why a task shares the plan workspace after all (too large to copy). */
  warn?(message: string): void;
  /** Largest workspace copied (default {@linkcode COPY_LIMITS}). */
  limits?: CopyLimits;
}

/** Statuses whose task may still need its copy (its work lives there until approved). */
const LIVE: ReadonlySet<string | undefined> = new Set(["pending", "coding", "coded", "review"]);

/** The root of every task copy of `configDir`. */
export function taskCopiesRoot(configDir: string): string {
  return join(configDir, ".lao", "task-copies");
}

/** Where the copies of one config folder live, and their limits. */
interface Place {
  base: string;
  limits: CopyLimits;
  warn?: (message: string) => void;
}

const folderOf = (at: Place, plan: IsolatedPlan) =>
  join(at.base, plan.stem.replace(/[^\w.-]/g, "-"));
const copyOf = (at: Place, plan: IsolatedPlan, id: number) => join(folderOf(at, plan), String(id));
const recordName = (id: number) => `${id}.json`;

/** Creates the task copies of `configDir`; `serial` orders calls on one plan workspace. */
export function taskCopies(
  configDir: string,
  serial: Serial,
  opts: TaskCopyOptions,
): TaskWorktrees {
  const at: Place = {
    base: taskCopiesRoot(configDir),
    limits: opts.limits ?? COPY_LIMITS,
    ...(opts.warn ? { warn: opts.warn } : {}),
  };
  let swept: Promise<void> | undefined;
  return {
    overlapping: false,
    open: (plan, id) =>
      serial(plan.workspace, async () => {
        await (swept ??= sweepCopies(at.base, opts.taskStatus));
        const dir = copyOf(at, plan, id);
        if (await recorded(at, plan, id) && await isFolder(dir)) return dir;
        return await fresh(at, plan, id);
      }),
    integrate: (plan, id) => serialIntegration(serial, plan, () => copyBack(at, plan, id)),
    close: (plan, id) =>
      serial(plan.workspace, async () => {
        await drop(at, plan, id);
        await Deno.remove(folderOf(at, plan)).catch(() => {}); // only when empty
      }),
  };
}

/** The hashes recorded when the task's copy was made, or null (no complete copy). */
async function recorded(at: Place, plan: IsolatedPlan, id: number): Promise<TreeHashes | null> {
  const io = workspaceIo(folderOf(at, plan));
  const text = await readTextIfExists(io, recordName(id)).catch(() => null);
  if (text === null) return null;
  const files = (JSON.parse(text) as { files?: Record<string, string> }).files ?? {};
  return new Map(Object.entries(files));
}

async function drop(at: Place, plan: IsolatedPlan, id: number): Promise<void> {
  await workspaceIo(folderOf(at, plan)).remove(recordName(id)).catch(() => {});
  await Deno.remove(copyOf(at, plan, id), { recursive: true }).catch(notFoundOk);
}

/** A new copy of the plan workspace for the task (hashes recorded last); null when too large. */
async function fresh(at: Place, plan: IsolatedPlan, id: number): Promise<string | null> {
  await drop(at, plan, id);
  const dir = copyOf(at, plan, id);
  await Deno.mkdir(plan.workspace, { recursive: true });
  await Deno.mkdir(dir, { recursive: true });
  const hashes = await copyTree(plan.workspace, dir, at.limits);
  if (!hashes) {
    await drop(at, plan, id);
    at.warn?.(
      `task #${id}: the plan workspace has over ${at.limits.entries} files or ` +
        `${at.limits.bytes} bytes; the task works in it directly`,
    );
    return null;
  }
  const files = Object.fromEntries([...hashes].sort(([a], [b]) => a < b ? -1 : 1));
  await workspaceIo(folderOf(at, plan)).writeText(recordName(id), JSON.stringify({ files }));
  return dir;
}

/** The task's changed files still to copy back, and those the plan workspace changed too. */
async function compare(workspace: string, before: TreeHashes, now: TreeHashes) {
  const changed = [...new Set([...before.keys(), ...now.keys()])]
    .filter((p) => before.get(p) !== now.get(p)).sort();
  const pending: string[] = [];
  const conflicts: string[] = [];
  for (const path of changed) {
    const entry = await readEntry(workspace, path);
    const there = entry ? await entryHash(entry) : undefined;
    if (there === now.get(path)) continue; // already copied back (or the same change)
    if (there === before.get(path)) pending.push(path);
    else conflicts.push(path);
  }
  return { pending, conflicts };
}

/** Copies the task's changes back, or returns the conflict (see the module doc). */
async function copyBack(at: Place, plan: IsolatedPlan, id: number): Promise<Integration> {
  const before = await recorded(at, plan, id);
  const dir = copyOf(at, plan, id);
  if (!before || !await isFolder(dir)) return { ok: true, picked: 0 };
  const now = await hashTree(dir, at.limits);
  if (!now) return { ok: false, files: [], message: "the task's copy grew past the copy limits" };
  const { pending, conflicts } = await compare(plan.workspace, before, now);
  if (conflicts.length > 0) {
    return {
      ok: false,
      files: conflicts,
      message: "the plan workspace changed these files after the task's copy was made",
      // The task starts again from the plan workspace (its old diff goes into its feedback).
      restart: async () => {
        await fresh(at, plan, id);
      },
    };
  }
  for (const path of pending) {
    const entry = await readEntry(dir, path);
    if (entry) await writeEntry(plan.workspace, path, entry);
    else await removeEntry(plan.workspace, path);
  }
  return { ok: true, picked: pending.length };
}

/** Removes copies whose task ended or is unknown, and copies with no recorded hashes. */
async function sweepCopies(root: string, status: (id: number) => string | undefined) {
  for (const plan of await entries(root)) {
    const dir = join(root, plan.name);
    if (!plan.isDirectory) continue;
    const names = new Set((await entries(dir)).map((e) => e.name));
    for (const name of names) {
      const id = Number(/^(\d+)(\.json)?$/.exec(name)?.[1] ?? NaN);
      if (!Number.isInteger(id)) continue;
      const half = !name.endsWith(".json") && !names.has(recordName(id));
      if (half || !LIVE.has(status(id))) {
        await Deno.remove(join(dir, name), { recursive: true }).catch(notFoundOk);
      }
    }
    await Deno.remove(dir).catch(() => {}); // only when empty
  }
}

async function entries(dir: string): Promise<Deno.DirEntry[]> {
  try {
    return await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return [];
  }
}

async function isFolder(path: string): Promise<boolean> {
  const info = await Deno.lstat(path).catch(() => null);
  return info?.isDirectory ?? false;
}

function notFoundOk(err: unknown): void {
  if (!(err instanceof Deno.errors.NotFound)) throw err;
}
