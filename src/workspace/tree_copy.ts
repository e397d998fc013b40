/**
 * Byte-exact copies of a plan workspace's files (issue 16: a task's own copy
 * of the workspace when there is no git) and the file-by-file way back. The
 * copy is written by the model's tools and commands, so nothing in it is
 * trusted: every folder on a path is `lstat`ed (a symlinked folder is never
 * entered), files are read only when regular with one name and the opened
 * file is the one checked, writes go to a new temp file renamed over the
 * target, and a symlink is copied as a link (its text), never followed.
 * `.git` and `.lao` at the root are never copied.
 *
 * Each entry has a content hash (`f:<sha-256>` for a file, `l:<sha-256>` of
 * the link text for a link), so a copy's files can be compared with the
 * workspace's without holding either.
 *
 * @module
 */
import { join } from "node:path";
import { WorkspaceError } from "./workspace_fs.ts";
import { lstatOrUndefined, readCapped, sameRegularFile } from "./file_checks.ts";

/** Names at the root that are never copied. */
const SKIPPED = new Set([".git", ".lao"]);

/** One file or link of a tree. */
export type TreeEntry =
  | { kind: "file"; bytes: Uint8Array; mode: number }
  | { kind: "link"; target: string };

/** Workspace-relative path (`/`-separated) → content hash. */
export type TreeHashes = Map<string, string>;

/** Limits of one copy: past them there is no copy (null). */
export interface CopyLimits {
  /** Most files and links. */
  entries: number;
  /** Most bytes in all. */
  bytes: number;
}

/** Default limits: 20 000 entries, 512 MiB. */
export const COPY_LIMITS: CopyLimits = { entries: 20_000, bytes: 512 * 1024 ** 2 };

/** The content hash of an entry. */
export async function entryHash(entry: TreeEntry): Promise<string> {
  const bytes = entry.kind === "file"
    ? new Uint8Array(entry.bytes)
    : new TextEncoder().encode(entry.target);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hex = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${entry.kind === "file" ? "f" : "l"}:${hex}`;
}

/** The files and links below `root` (walked without following links), with their `lstat`. */
async function listTree(root: string, limits: CopyLimits) {
  const out: { rel: string; info: Deno.FileInfo }[] = [];
  let bytes = 0;
  const visit = async (dir: string, prefix: string): Promise<boolean> => {
    for await (const e of Deno.readDir(join(root, dir))) {
      if (!prefix && SKIPPED.has(e.name)) continue;
      const rel = prefix + e.name;
      const info = await lstatOrUndefined(join(root, rel));
      if (!info) continue;
      if (info.isDirectory) {
        if (!await visit(rel, `${rel}/`)) return false;
        continue;
      }
      if (!info.isFile && !info.isSymlink) continue; // FIFOs, sockets, devices: not copied
      bytes += info.isFile ? info.size : 0;
      out.push({ rel, info });
      if (out.length > limits.entries || bytes > limits.bytes) return false;
    }
    return true;
  };
  return await visit(".", "") ? out : null;
}

/** The hashes of every file and link below `root`; null past `limits`. */
export async function hashTree(root: string, limits = COPY_LIMITS): Promise<TreeHashes | null> {
  const real = await Deno.realPath(root);
  const listed = await listTree(real, limits);
  if (!listed) return null;
  const hashes: TreeHashes = new Map();
  for (const { rel } of listed) {
    const entry = await readEntry(real, rel);
    if (entry) hashes.set(rel, await entryHash(entry));
  }
  return hashes;
}

/**
 * Copies every file and link of `from` into the empty folder `to`; returns
 * the hashes of what it copied, or null past `limits` (`to` is then left to
 * the caller to remove).
 */
export async function copyTree(
  from: string,
  to: string,
  limits = COPY_LIMITS,
): Promise<TreeHashes | null> {
  const real = await Deno.realPath(from);
  const listed = await listTree(real, limits);
  if (!listed) return null;
  const hashes: TreeHashes = new Map();
  for (const { rel } of listed) {
    const entry = await readEntry(real, rel);
    if (!entry) continue;
    await writeEntry(to, rel, entry);
    hashes.set(rel, await entryHash(entry));
  }
  return hashes;
}

/** Walks `rel`'s folders below `root`, refusing links; creates missing ones when `create`. */
async function folderOf(root: string, rel: string, create: boolean): Promise<string | null> {
  const parts = rel.split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..") || rel.includes("\0")) {
    throw new WorkspaceError(
      `Cannot use "${rel}" in ${root}: not a plain relative path`,
      "invalid",
    );
  }
  let dir = await Deno.realPath(root);
  for (const part of parts.slice(0, -1)) {
    const next = join(dir, part);
    let info = await lstatOrUndefined(next);
    if (!info && create) {
      await Deno.mkdir(next).catch((err) => {
        if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
      });
      info = await lstatOrUndefined(next);
    }
    if (!info) return null;
    if (!info.isDirectory || info.isSymlink) {
      throw new WorkspaceError(
        `Cannot use "${rel}" in ${root}: "${part}" is not a folder`,
        "linked",
      );
    }
    dir = next;
  }
  return join(dir, parts.at(-1)!);
}

/**
 * Reads the entry at `rel` below `root`: null when nothing is there or it is
 * not a file or link; throws when it is a file with several names or changed
 * while being opened.
 */
export async function readEntry(root: string, rel: string): Promise<TreeEntry | null> {
  const path = await folderOf(root, rel, false);
  const info = path ? await lstatOrUndefined(path) : undefined;
  if (!path || !info) return null;
  if (info.isSymlink) return { kind: "link", target: await Deno.readLink(path) };
  if (!info.isFile) return null;
  if ((info.nlink ?? 1) > 1) {
    throw new WorkspaceError(`Cannot copy "${rel}" in ${root}: it is a hard link`, "linked");
  }
  using file = await Deno.open(path, { read: true });
  if (!sameRegularFile(await file.stat(), info)) {
    throw new WorkspaceError(`Cannot copy "${rel}" in ${root}: it changed while opened`, "denied");
  }
  const bytes = await readCapped(file, info.size + 1, info.size);
  return { kind: "file", bytes, mode: (info.mode ?? 0o644) & 0o777 };
}

/** Writes `entry` at `rel` below `root` (temp entry renamed over it), creating folders. */
export async function writeEntry(root: string, rel: string, entry: TreeEntry): Promise<void> {
  const path = (await folderOf(root, rel, true))!;
  if ((await lstatOrUndefined(path))?.isDirectory) {
    await Deno.remove(path, { recursive: true });
  }
  const tmp = `${path}.lao-${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    if (entry.kind === "link") await Deno.symlink(entry.target, tmp);
    else await Deno.writeFile(tmp, entry.bytes, { createNew: true, mode: entry.mode });
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/** Removes the file or link at `rel` below `root` (never through a link); missing is fine. */
export async function removeEntry(root: string, rel: string): Promise<void> {
  const path = await folderOf(root, rel, false);
  const info = path ? await lstatOrUndefined(path) : undefined;
  if (path && info && !info.isDirectory) await Deno.remove(path);
}
