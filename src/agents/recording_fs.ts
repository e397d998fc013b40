/**
 * A {@linkcode WorkspaceFs} decorator that remembers each file's content
 * before the task first wrote it, so the reviewer sees a real diff of the
 * task's change (not the model's own account of it).
 *
 * @module
 */
import { createTwoFilesPatch } from "diff";
import type { WalkOptions, WorkspaceEntry, WorkspaceFs } from "../tools/workspace_fs.ts";

/** A recording workspace. */
export interface RecordingFs extends WorkspaceFs {
  /** Unified diff of every written file against its content before the task. */
  diff(paths: readonly string[]): Promise<string>;
}

/** Wraps `inner`, recording original contents before the first write of each path. */
export function recordingFs(inner: WorkspaceFs): RecordingFs {
  const originals = new Map<string, string | null>();
  return {
    root: inner.root,
    readText: (p: string) => inner.readText(p),
    isFile: (p: string) => inner.isFile(p),
    walk: (o?: WalkOptions): Promise<WorkspaceEntry[]> => inner.walk(o),
    relative: (p: string) => inner.relative(p),
    async writeText(path: string, content: string) {
      const rel = await inner.relative(path);
      if (!originals.has(rel)) {
        originals.set(
          rel,
          await inner.isFile(rel) ? await inner.readText(rel).catch(() => null) : null,
        );
      }
      await inner.writeText(path, content);
    },
    async diff(paths: readonly string[]) {
      const parts: string[] = [];
      for (const path of paths) {
        const rel = await inner.relative(path).catch(() => path);
        const before = originals.get(rel) ?? null;
        const after = await inner.readText(rel).catch(() => null);
        if (before === after) continue;
        parts.push(
          createTwoFilesPatch(
            before === null ? "/dev/null" : `a/${rel}`,
            after === null ? "/dev/null" : `b/${rel}`,
            before ?? "",
            after ?? "",
            "",
            "",
            { context: 3 },
          ).replace(/^=+\n/, ""),
        );
      }
      return parts.join("\n");
    },
  };
}
