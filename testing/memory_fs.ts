/**
 * The in-memory {@linkcode WorkspaceFs} for tests: files in a map, folders
 * implied by their paths. Paths are normalised like the real workspace
 * guard: `..` that leaves the root and absolute paths outside `root` throw
 * `WorkspaceError` with code `outside`; a missing file is `not_found`, a
 * folder read as a file `not_file`. `walk` lists folders and files sorted by
 * name, depth first, skipping `.git` and `node_modules` unless asked, like
 * the guard.
 *
 * @module
 */
import {
  type WalkOptions,
  type WorkspaceEntry,
  WorkspaceError,
  type WorkspaceFs,
} from "../src/workspace/workspace_fs.ts";

const IGNORED = new Set([".git", "node_modules"]);

/** Creates an in-memory workspace rooted at `root` holding `files` (path → content). */
export function memoryFs(files: Record<string, string> = {}, root = "/ws"): WorkspaceFs {
  const store = new Map<string, string>();
  const normalize = (path: string, verb = "access") => normalizePath(root, path, verb);
  for (const [path, content] of Object.entries(files)) store.set(normalize(path), content);
  const isDir = (rel: string) =>
    rel === "." || [...store.keys()].some((p) => p.startsWith(`${rel}/`));
  return {
    root,
    readText(path) {
      try {
        const rel = normalize(path, "read");
        const text = store.get(rel);
        if (text !== undefined) return Promise.resolve(text);
        if (isDir(rel)) {
          throw new WorkspaceError(`Cannot read "${path}": it is a directory`, "not_file");
        }
        throw new WorkspaceError(`Cannot read "${path}": file not found`, "not_found");
      } catch (err) {
        return Promise.reject(err);
      }
    },
    writeText(path, content) {
      try {
        store.set(normalize(path, "write"), content);
        return Promise.resolve();
      } catch (err) {
        return Promise.reject(err);
      }
    },
    isFile(path) {
      try {
        return Promise.resolve(store.has(normalize(path, "read")));
      } catch {
        return Promise.resolve(false);
      }
    },
    walk(options: WalkOptions = {}) {
      try {
        return Promise.resolve(walkMap(store, normalize(options.path ?? ".", "list"), options));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    relative(path) {
      try {
        return Promise.resolve(normalize(path, "resolve"));
      } catch (err) {
        return Promise.reject(err);
      }
    },
  };
}

/** `path` relative to `root`, `/`-separated ("." for the root); throws when it leaves the root. */
function normalizePath(root: string, path: string, verb: string): string {
  let rel = path;
  const outside = () =>
    new WorkspaceError(`Cannot ${verb} "${path}": path resolves outside the workspace`, "outside");
  if (rel.startsWith("/")) {
    if (rel !== root && !rel.startsWith(`${root}/`)) throw outside();
    rel = rel.slice(root.length + 1);
  }
  const parts: string[] = [];
  for (const part of rel.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) throw outside();
      parts.pop();
    } else parts.push(part);
  }
  return parts.join("/") || ".";
}

/** The entries under `base`: folders and files by name, depth first. */
function walkMap(
  store: ReadonlyMap<string, string>,
  base: string,
  options: WalkOptions,
): WorkspaceEntry[] {
  const out: WorkspaceEntry[] = [];
  const limit = options.limit ?? Infinity;
  const prefix = base === "." ? "" : `${base}/`;
  const visit = (dir: string, depth: number) => {
    const children = new Map<string, "file" | "dir">();
    for (const p of store.keys()) {
      if (!p.startsWith(dir)) continue;
      const [name, ...rest] = p.slice(dir.length).split("/");
      if (name) children.set(name, rest.length ? "dir" : children.get(name) ?? "file");
    }
    for (const name of [...children.keys()].sort((a, b) => a.localeCompare(b))) {
      if (out.length >= limit) return;
      if (!options.includeIgnored && IGNORED.has(name)) continue;
      const path = `${dir}${name}`;
      const kind = children.get(name)!;
      const entry: WorkspaceEntry = { path, kind };
      if (kind === "file") entry.size = new TextEncoder().encode(store.get(path)!).length;
      out.push(entry);
      if (kind === "dir" && (options.maxDepth === undefined || depth < options.maxDepth)) {
        visit(`${path}/`, depth + 1);
      }
    }
  };
  visit(prefix, 1);
  return out;
}

/** Runs `fn` on an in-memory workspace holding `files`. */
export async function withMemoryWorkspace<T>(
  files: Record<string, string>,
  fn: (fs: WorkspaceFs) => Promise<T>,
): Promise<T> {
  return await fn(memoryFs(files));
}
