/**
 * The workspace file guard: the production {@linkcode WorkspaceFs}. Every
 * path is checked lexically, then resolved through existing symlinks, and
 * only regular files inside the real workspace root are opened.
 *
 * Layers: NUL bytes and `..` escapes refused;
 * the nearest existing ancestor is `realPath`ed and re-checked; dangling final
 * symlinks refused; FIFOs, sockets and devices refused by `stat` before
 * `open`; after `open`, `fstat` must match the checked file; reads are capped
 * and binary files refused; writes go to a temp file in the same folder and
 * are renamed over the target, so they never go through a symlink or a hard
 * link's shared inode.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import {
  type WalkOptions,
  type WorkspaceEntry,
  WorkspaceError,
  type WorkspaceFs,
} from "./workspace_fs.ts";
import { kindOf, readCapped, sameRegularFile } from "./file_checks.ts";
import { isInside, protectedReason, resolveLexical, toRelative } from "./path_rules.ts";

/** Options of {@linkcode WorkspaceGuard}. */
export interface GuardOptions {
  /** Largest file `readText` returns, in bytes (default 1 MiB). */
  maxReadBytes?: number;
  /** Largest content `writeText` accepts, in bytes (default 4 MiB). */
  maxWriteBytes?: number;
  /** Other spellings of the root (e.g. the un-canonicalised path the user typed). */
  aliases?: string[];
}

/** A path proven to lie inside the workspace. */
interface Resolved {
  /** Real absolute path (symlinks in existing components resolved). */
  real: string;
  /** Workspace-relative form of `real`. */
  rel: string;
  /** `lstat` of `real`, or undefined when it does not exist yet. */
  info?: Deno.FileInfo;
}

const DEFAULT_READ_CAP = 1024 * 1024;
const DEFAULT_WRITE_CAP = 4 * 1024 * 1024;
const IGNORED_DIRS = new Set([".git", "node_modules"]);

/** Runs `fn` and returns undefined when the path does not exist. */
async function maybe<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** The entry at `path` (links not followed), or undefined when there is none. */
function lstatIfAny(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** Workspace-confined file access on the local disk. */
export class WorkspaceGuard implements WorkspaceFs {
  /** Real path of the workspace root. */
  readonly root: string;
  #aliases: string[];
  #maxRead: number;
  #maxWrite: number;

  private constructor(root: string, options: GuardOptions) {
    this.root = root;
    this.#aliases = options.aliases ?? [];
    this.#maxRead = options.maxReadBytes ?? DEFAULT_READ_CAP;
    this.#maxWrite = options.maxWriteBytes ?? DEFAULT_WRITE_CAP;
  }

  /**
   * Opens a guard on `workspace` (which must be an existing folder).
   * The given spelling is kept as an alias so absolute paths under it work.
   */
  static async open(workspace: string, options: GuardOptions = {}): Promise<WorkspaceGuard> {
    const root = await Deno.realPath(workspace);
    const info = await Deno.stat(root);
    if (!info.isDirectory) {
      throw new WorkspaceError(`Cannot open workspace "${workspace}": not a folder`, "invalid");
    }
    const aliases = [...(options.aliases ?? []), workspace];
    return new WorkspaceGuard(root, { ...options, aliases });
  }

  /** Resolves `input` through existing symlinks; throws unless it stays inside. */
  #resolve(verb: string, input: string): Resolved {
    const fail = (reason: string, code: string): never => {
      throw new WorkspaceError(`Cannot ${verb} "${input}": ${reason}`, code);
    };
    const lexical = resolveLexical(this.root, input, this.#aliases);
    if (typeof lexical !== "string") return fail(lexical.reason, lexical.code);
    // Find the nearest existing ancestor (lstat: a dangling link "exists"). Synchronous calls:
    // a handful of metadata lookups per path, each far cheaper than an async op's round trip.
    const tail: string[] = [];
    let probe = lexical;
    let info = lstatIfAny(probe);
    while (info === undefined) {
      tail.unshift(basename(probe));
      probe = dirname(probe);
      info = lstatIfAny(probe);
    }
    let real: string;
    try {
      real = Deno.realPathSync(probe);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        return fail("path is a symlink whose target does not exist", "outside");
      }
      return fail(`path cannot be resolved (${(err as Error).name})`, "invalid");
    }
    if (!isInside(this.root, real)) return fail("path resolves outside the workspace", "outside");
    if (tail.length > 0) {
      if (!Deno.statSync(real).isDirectory) {
        return fail(`"${toRelative(this.root, real)}" is not a folder`, "not_found");
      }
      return { real: join(real, ...tail), rel: toRelative(this.root, join(real, ...tail)) };
    }
    // No link on the way: the entry already looked up is the one at `real`.
    return {
      real,
      rel: toRelative(this.root, real),
      info: real === probe ? info : Deno.lstatSync(real),
    };
  }

  /** {@inheritDoc WorkspaceFs.relative} */
  relative(path: string): Promise<string> {
    // The lookups are synchronous; a refusal still arrives as a rejected promise.
    return Promise.resolve().then(() => this.#resolve("resolve", path).rel);
  }

  /** {@inheritDoc WorkspaceFs.isFile} */
  isFile(path: string): Promise<boolean> {
    return Promise.resolve().then(() => {
      try {
        return this.#resolve("resolve", path).info?.isFile === true;
      } catch (err) {
        if (err instanceof WorkspaceError) return false;
        throw err;
      }
    });
  }

  /** {@inheritDoc WorkspaceFs.readText} */
  async readText(path: string): Promise<string> {
    const fail = (reason: string, code: string): never => {
      throw new WorkspaceError(`Cannot read "${path}": ${reason}`, code);
    };
    const r = this.#resolve("read", path);
    if (r.info === undefined) return fail("file does not exist", "not_found");
    if (!r.info.isFile) return fail(kindOf(r.info), "not_regular");
    if (r.info.size > this.#maxRead) {
      return fail(
        `file is ${r.info.size} bytes, over the ${this.#maxRead}-byte limit`,
        "too_large",
      );
    }
    const bytes = await this.#readChecked(r, fail);
    if (bytes.length > this.#maxRead) {
      return fail(`file is over the ${this.#maxRead}-byte limit`, "too_large");
    }
    if (bytes.includes(0)) return fail("file is binary (contains NUL bytes)", "binary");
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return fail("file is binary (not valid UTF-8)", "binary");
    }
  }

  /** Opens the checked file, verifies it by fstat, and reads at most cap+1 bytes. */
  async #readChecked(r: Resolved, fail: (reason: string, code: string) => never) {
    using file = await Deno.open(r.real, { read: true });
    const st = await file.stat();
    if (r.info === undefined || !sameRegularFile(st, r.info)) {
      return fail("file changed while it was being opened", "denied");
    }
    return await readCapped(file, this.#maxRead + 1, st.size);
  }

  /** {@inheritDoc WorkspaceFs.writeText} */
  async writeText(path: string, content: string): Promise<void> {
    const fail = (reason: string, code: string): never => {
      throw new WorkspaceError(`Cannot write "${path}": ${reason}`, code);
    };
    const data = new TextEncoder().encode(content);
    if (data.length > this.#maxWrite) {
      return fail(`content is over the ${this.#maxWrite}-byte limit`, "too_large");
    }
    const lexical = resolveLexical(this.root, path, this.#aliases);
    if (typeof lexical === "string") {
      const why = protectedReason(toRelative(this.root, lexical));
      if (why !== undefined) return fail(why, "denied");
    }
    let r = this.#resolve("write", path);
    if (r.rel === ".") return fail("path is the workspace root", "invalid");
    const why = protectedReason(r.rel);
    if (why !== undefined) return fail(why, "denied");
    if (r.info !== undefined && !r.info.isFile) return fail(kindOf(r.info), "not_regular");
    if (r.info === undefined) {
      await Deno.mkdir(dirname(r.real), { recursive: true });
      // Re-check: the folders just made must still resolve inside.
      r = this.#resolve("write", path);
      if (r.info !== undefined && !r.info.isFile) return fail(kindOf(r.info), "not_regular");
    }
    const dir = dirname(r.real);
    const realDir = await Deno.realPath(dir);
    if (realDir !== dir || !isInside(this.root, realDir)) {
      return fail("path changed while it was being written", "denied");
    }
    const tmp = join(dir, `.${basename(r.real)}.lao-${crypto.randomUUID().slice(0, 8)}.tmp`);
    try {
      const mode = r.info?.mode === null || r.info?.mode === undefined
        ? undefined
        : r.info.mode & 0o777;
      await Deno.writeFile(tmp, data, { createNew: true, mode });
      await Deno.rename(tmp, r.real);
    } catch (err) {
      await Deno.remove(tmp).catch(() => {});
      throw err;
    }
  }

  /** {@inheritDoc WorkspaceFs.walk} */
  async walk(options: WalkOptions = {}): Promise<WorkspaceEntry[]> {
    const start = this.#resolve("list", options.path ?? ".");
    if (start.info === undefined) {
      throw new WorkspaceError(`Cannot list "${options.path}": folder does not exist`, "not_found");
    }
    if (!start.info.isDirectory) {
      throw new WorkspaceError(`Cannot list "${options.path}": not a folder`, "not_regular");
    }
    const out: WorkspaceEntry[] = [];
    const limit = options.limit ?? Infinity;
    const maxDepth = options.maxDepth ?? Infinity;
    const visit = async (dir: string, depth: number): Promise<void> => {
      const names: Deno.DirEntry[] = [];
      for await (const e of Deno.readDir(dir)) names.push(e);
      names.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
      for (const e of names) {
        if (out.length >= limit) return;
        const abs = join(dir, e.name);
        const path = toRelative(this.root, abs);
        if (e.isSymlink) {
          out.push({ path, kind: "symlink" });
        } else if (e.isDirectory) {
          if (!options.includeIgnored && IGNORED_DIRS.has(e.name)) continue;
          out.push({ path, kind: "dir" });
          if (depth < maxDepth) await visit(abs, depth + 1);
        } else if (e.isFile) {
          const info = await maybe(() => Deno.lstat(abs));
          out.push({
            path,
            kind: "file",
            size: info?.size ?? 0,
            ...(info?.mtime ? { mtimeMs: info.mtime.getTime() } : {}),
          });
        } else {
          out.push({ path, kind: "other" });
        }
      }
    };
    await visit(start.real, 1);
    return out;
  }
}
