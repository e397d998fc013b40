/**
 * A plain {@linkcode WorkspaceFs} over a temp folder, for tests. It only
 * refuses `..`/absolute escapes (no symlink resolution): the guarded
 * production implementation lives in `src/sandbox/`.
 *
 * @module
 */
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import {
  type WalkOptions,
  type WorkspaceEntry,
  WorkspaceError,
  type WorkspaceFs,
} from "../workspace/workspace_fs.ts";

const IGNORED = new Set([".git", "node_modules"]);

/** Creates a testing workspace rooted at `root`. Requires read/write access to it. */
export function createTestingFs(root: string): WorkspaceFs {
  const abs = (path: string, verb: string): string => {
    const full = isAbsolute(path) ? resolve(path) : resolve(root, path);
    const rel = relative(root, full);
    if (rel.startsWith("..") || isAbsolute(rel)) {
      throw new WorkspaceError(
        `Cannot ${verb} "${path}": path resolves outside the workspace`,
        "outside",
      );
    }
    return full;
  };
  const rel = (full: string) => relative(root, full).replaceAll("\\", "/") || ".";
  return {
    root,
    async readText(path) {
      try {
        return await Deno.readTextFile(abs(path, "read"));
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) {
          throw new WorkspaceError(`Cannot read "${path}": file not found`, "not_found");
        }
        if (err instanceof Deno.errors.IsADirectory) {
          throw new WorkspaceError(`Cannot read "${path}": it is a directory`, "not_file");
        }
        throw err;
      }
    },
    async writeText(path, content) {
      const full = abs(path, "write");
      await Deno.mkdir(dirname(full), { recursive: true });
      await Deno.writeTextFile(full, content);
    },
    async isFile(path) {
      try {
        return (await Deno.lstat(abs(path, "read"))).isFile;
      } catch {
        return false;
      }
    },
    async walk(options: WalkOptions = {}) {
      const out: WorkspaceEntry[] = [];
      const limit = options.limit ?? Infinity;
      const visit = async (dir: string, depth: number) => {
        const entries: Deno.DirEntry[] = [];
        for await (const e of Deno.readDir(dir)) entries.push(e);
        entries.sort((a, b) => a.name.localeCompare(b.name));
        for (const e of entries) {
          if (out.length >= limit) return;
          if (!options.includeIgnored && IGNORED.has(e.name)) continue;
          const full = join(dir, e.name);
          const kind = e.isFile
            ? "file"
            : e.isDirectory
            ? "dir"
            : e.isSymlink
            ? "symlink"
            : "other";
          const entry: WorkspaceEntry = { path: rel(full), kind };
          if (e.isFile) entry.size = (await Deno.stat(full)).size;
          out.push(entry);
          if (e.isDirectory && (options.maxDepth === undefined || depth < options.maxDepth)) {
            await visit(full, depth + 1);
          }
        }
      };
      await visit(abs(options.path ?? ".", "list"), 1);
      return out;
    },
    relative(path) {
      return Promise.resolve(rel(abs(path, "resolve")));
    },
  };
}

/** Creates a temp workspace holding `files`, runs `fn`, then removes it. */
export async function withTempWorkspace<T>(
  files: Record<string, string>,
  fn: (fs: WorkspaceFs) => Promise<T>,
): Promise<T> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "lao_ws_" }));
  try {
    const fs = createTestingFs(root);
    for (const [path, content] of Object.entries(files)) await fs.writeText(path, content);
    return await fn(fs);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}
