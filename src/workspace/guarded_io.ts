/**
 * The one path for files LAO itself reads or writes in a plan workspace
 * (snapshots, `LAO_REVIEW.log`, `LAO_TASKS.json`, reports, `.gitignore`).
 * The model can plant anything in a workspace, so this path trusts nothing
 * below the workspace root:
 *
 * - every component below the root must be a real folder (a symlinked folder
 *   is refused, never followed); Deno has no `O_NOFOLLOW`, so each component
 *   is `lstat`ed and the opened file is `fstat`ed and compared by device and
 *   inode;
 * - reads take regular files with one link only; FIFOs, sockets, devices and
 *   symlinks are refused by `lstat` before anything is opened, and at most
 *   `maxBytes` are read even if the file grows;
 * - writes go to a new temp file in the same folder, renamed over the target,
 *   so a planted symlink, hard link or FIFO is replaced, never written
 *   through; appends read the old content (capped), then write anew.
 *
 * @module
 */
import { join } from "node:path";
import { WorkspaceError } from "./workspace_fs.ts";
import { kindOf, lstatOrUndefined, readCapped, sameRegularFile } from "./file_checks.ts";

/** Options of {@linkcode WorkspaceIo.readText} and {@linkcode WorkspaceIo.appendText}. */
export interface ReadOptions {
  /** Largest file accepted, in bytes (default {@linkcode DEFAULT_MAX_BYTES}). */
  maxBytes?: number;
}

/** What a write did. */
export interface WriteResult {
  /** Workspace-relative path written. */
  path: string;
  /**
   * Set when the entry at the path was not a plain file of LAO's (a symlink,
   * a hard link, a FIFO...): what it was ("a symlink"). It was replaced.
   */
  replaced?: string;
}

/** LAO's own file access inside one workspace. Paths are workspace-relative, `/`-separated. */
export interface WorkspaceIo {
  /** The workspace folder as given. */
  readonly root: string;
  /** Reads a regular UTF-8 file; throws a {@linkcode WorkspaceError} (`not_found` when missing). */
  readText(rel: string, options?: ReadOptions): Promise<string>;
  /** Replaces the file's content (temp file + rename), creating parent folders. */
  writeText(rel: string, text: string): Promise<WriteResult>;
  /** Appends `text` (old content read capped, then written anew). */
  appendText(rel: string, text: string, options?: ReadOptions): Promise<WriteResult>;
  /** True when anything (a link included) is at `rel`. */
  exists(rel: string): Promise<boolean>;
  /** Removes the entry at `rel` (a link itself, never its target); missing is fine. */
  remove(rel: string): Promise<void>;
}

/** Default read cap of LAO's own files: 16 MiB. */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** The folder holding an entry, proven to be a real folder below the root. */
interface Location {
  /** Absolute path of the entry. */
  path: string;
  /** Absolute path of its folder. */
  dir: string;
  /** `lstat` of that folder when it was checked. */
  dirInfo: Deno.FileInfo;
  /** The entry's base name. */
  name: string;
}

/** Splits a workspace-relative path into components; refuses anything that could leave the root. */
function components(rel: string, fail: (reason: string, code: string) => never): string[] {
  if (rel.includes("\0")) return fail("path contains a NUL byte", "invalid");
  if (rel.startsWith("/") || /^[a-zA-Z]:/.test(rel)) return fail("path is absolute", "invalid");
  const parts = rel.replaceAll("\\", "/").split("/").filter((p) => p !== "" && p !== ".");
  if (parts.length === 0) return fail("path is the workspace root", "invalid");
  if (parts.includes("..")) return fail("path contains ..", "invalid");
  return parts;
}

/** Describes an existing entry a write replaces, or undefined for LAO's own plain file. */
function replacedKind(info: Deno.FileInfo | undefined): string | undefined {
  if (info === undefined) return undefined;
  if (info.isSymlink) return "a symlink";
  if (!info.isFile) return kindOf(info).replace(/^is /, "");
  if ((info.nlink ?? 1) > 1) return "a hard link";
  return undefined;
}

/** {@linkcode WorkspaceIo} on the local disk, bound to `root` (which must exist). */
export class LocalWorkspaceIo implements WorkspaceIo {
  /** The workspace folder as given. */
  readonly root: string;

  /** Binds the I/O to `root`; nothing is touched until the first call. */
  constructor(root: string) {
    this.root = root;
  }

  #failer(verb: string, rel: string) {
    return (reason: string, code: string): never => {
      throw new WorkspaceError(`Cannot ${verb} "${rel}" in ${this.root}: ${reason}`, code);
    };
  }

  /** Walks `rel`'s folders from the real root; creates missing ones when `create`. */
  async #locate(verb: string, rel: string, create: boolean): Promise<Location> {
    const fail = this.#failer(verb, rel);
    const parts = components(rel, fail);
    let dir: string;
    try {
      dir = await Deno.realPath(this.root);
    } catch {
      return fail("the workspace folder does not exist", "not_found");
    }
    let dirInfo = await Deno.lstat(dir);
    if (!dirInfo.isDirectory) return fail("the workspace is not a folder", "not_regular");
    for (const [i, part] of parts.slice(0, -1).entries()) {
      const next = join(dir, part);
      const shown = parts.slice(0, i + 1).join("/");
      let info = await lstatOrUndefined(next);
      if (info === undefined && create) {
        await Deno.mkdir(next).catch((err) => {
          if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
        });
        info = await lstatOrUndefined(next);
      }
      if (info === undefined) return fail(`folder "${shown}" does not exist`, "not_found");
      if (info.isSymlink) {
        return fail(`"${shown}" is a symlink (LAO does not follow links in a workspace)`, "linked");
      }
      if (!info.isDirectory) return fail(`"${shown}" is not a folder`, "not_regular");
      dir = next;
      dirInfo = info;
    }
    const name = parts.at(-1)!;
    return { path: join(dir, name), dir, dirInfo, name };
  }

  /** {@inheritDoc WorkspaceIo.readText} */
  async readText(rel: string, options: ReadOptions = {}): Promise<string> {
    const fail = this.#failer("read", rel);
    const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const { path } = await this.#locate("read", rel, false);
    const info = await lstatOrUndefined(path);
    if (info === undefined) return fail("file does not exist", "not_found");
    if (info.isSymlink) {
      return fail("it is a symlink (LAO does not follow links in a workspace)", "linked");
    }
    if (!info.isFile) return fail(`it ${kindOf(info)}`, "not_regular");
    if ((info.nlink ?? 1) > 1) {
      return fail(`it is a hard link (${info.nlink} names share it)`, "linked");
    }
    if (info.size > max) return fail(`it is over the ${max}-byte limit`, "too_large");
    using file = await Deno.open(path, { read: true });
    if (!sameRegularFile(await file.stat(), info)) {
      return fail("it changed while it was being opened", "denied");
    }
    const bytes = await readCapped(file, max + 1, info.size);
    if (bytes.length > max) return fail(`it is over the ${max}-byte limit`, "too_large");
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return fail("it is not valid UTF-8 text", "binary");
    }
  }

  /** {@inheritDoc WorkspaceIo.writeText} */
  async writeText(rel: string, text: string): Promise<WriteResult> {
    const fail = this.#failer("write", rel);
    const loc = await this.#locate("write", rel, true);
    const old = await lstatOrUndefined(loc.path);
    if (old?.isDirectory) return fail("it is a folder", "not_regular");
    const replaced = replacedKind(old);
    const mode = replaced === undefined && typeof old?.mode === "number"
      ? old.mode & 0o777
      : undefined;
    const tmp = join(loc.dir, `.${loc.name}.lao-${crypto.randomUUID().slice(0, 8)}.tmp`);
    try {
      // createNew is O_EXCL: it never opens through a planted entry.
      await Deno.writeFile(tmp, new TextEncoder().encode(text), { createNew: true, mode });
      const dirNow = await Deno.lstat(loc.dir);
      if (dirNow.isSymlink || dirNow.ino !== loc.dirInfo.ino || dirNow.dev !== loc.dirInfo.dev) {
        return fail("its folder changed while it was being written", "denied");
      }
      await Deno.rename(tmp, loc.path);
    } catch (err) {
      await Deno.remove(tmp).catch(() => {});
      throw err;
    }
    const path = rel.replaceAll("\\", "/");
    return replaced === undefined ? { path } : { path, replaced };
  }

  /** {@inheritDoc WorkspaceIo.appendText} */
  async appendText(rel: string, text: string, options: ReadOptions = {}): Promise<WriteResult> {
    const loc = await this.#locate("append to", rel, true);
    const old = await lstatOrUndefined(loc.path);
    // Only LAO's own plain file is carried over; a planted entry is replaced.
    const before = old !== undefined && replacedKind(old) === undefined && !old.isDirectory
      ? await this.readText(rel, options)
      : "";
    return await this.writeText(rel, before + text);
  }

  /** {@inheritDoc WorkspaceIo.exists} */
  async exists(rel: string): Promise<boolean> {
    const { path } = await this.#locate("check", rel, false).catch((err) => {
      if (err instanceof WorkspaceError && err.code === "not_found") return { path: undefined };
      throw err;
    });
    return path !== undefined && (await lstatOrUndefined(path)) !== undefined;
  }

  /** {@inheritDoc WorkspaceIo.remove} */
  async remove(rel: string): Promise<void> {
    const fail = this.#failer("remove", rel);
    const loc = await this.#locate("remove", rel, false).catch((err) => {
      if (err instanceof WorkspaceError && err.code === "not_found") return undefined;
      throw err;
    });
    if (loc === undefined) return;
    const { path } = loc;
    const info = await lstatOrUndefined(path);
    if (info === undefined) return;
    if (info.isDirectory) return fail("it is a folder", "not_regular");
    await Deno.remove(path);
  }
}

/** Returns the guarded I/O for the workspace folder `root`. */
export function workspaceIo(root: string): WorkspaceIo {
  return new LocalWorkspaceIo(root);
}

/** Reads `rel`, or returns null when nothing is there. Other refusals still throw. */
export async function readTextIfExists(
  io: WorkspaceIo,
  rel: string,
  options?: ReadOptions,
): Promise<string | null> {
  try {
    return await io.readText(rel, options);
  } catch (err) {
    if (err instanceof WorkspaceError && err.code === "not_found") return null;
    throw err;
  }
}
