/**
 * An in-memory {@linkcode WorkspaceFs} for this folder's tests. Paths are
 * normalised like the real workspace guard: `..` that leaves the root and
 * absolute paths outside `root` throw `WorkspaceError` with code `outside`.
 *
 * @module
 */
import {
  type WalkOptions,
  type WorkspaceEntry,
  WorkspaceError,
  type WorkspaceFs,
} from "../workspace/workspace_fs.ts";

/** Creates an in-memory workspace rooted at `root` holding `files` (path → content). */
export function memoryFs(files: Record<string, string>, root = "/ws"): WorkspaceFs {
  const store = new Map(Object.entries(files));
  function normalize(path: string): string {
    let rel = path;
    if (rel.startsWith("/")) {
      if (rel !== root && !rel.startsWith(`${root}/`)) {
        throw new WorkspaceError(
          `Cannot access "${path}": path is outside the workspace`,
          "outside",
        );
      }
      rel = rel.slice(root.length + 1);
    }
    const parts: string[] = [];
    for (const part of rel.split("/")) {
      if (part === "" || part === ".") continue;
      if (part === "..") {
        if (parts.length === 0) {
          throw new WorkspaceError(
            `Cannot access "${path}": path resolves outside the workspace`,
            "outside",
          );
        }
        parts.pop();
      } else parts.push(part);
    }
    return parts.join("/") || ".";
  }
  return {
    root,
    readText(path) {
      const rel = normalize(path);
      const text = store.get(rel);
      if (text === undefined) {
        return Promise.reject(new WorkspaceError(`Cannot read "${rel}": not found`, "not_found"));
      }
      return Promise.resolve(text);
    },
    writeText(path, content) {
      store.set(normalize(path), content);
      return Promise.resolve();
    },
    isFile(path) {
      return Promise.resolve(store.has(normalize(path)));
    },
    walk(options: WalkOptions = {}) {
      const base = normalize(options.path ?? ".");
      const prefix = base === "." ? "" : `${base}/`;
      const entries: WorkspaceEntry[] = [...store.keys()]
        .filter((p) => p.startsWith(prefix))
        .map((p) => ({ path: p, kind: "file" as const, size: store.get(p)?.length ?? 0 }));
      return Promise.resolve(entries.slice(0, options.limit ?? entries.length));
    },
    relative(path) {
      try {
        return Promise.resolve(normalize(path));
      } catch (err) {
        return Promise.reject(err);
      }
    },
  };
}
