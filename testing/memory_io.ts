/**
 * LAO's guarded workspace I/O ({@linkcode WorkspaceIo}) over an in-memory
 * workspace ({@linkcode WorkspaceFs}, e.g. `memoryFs`), so reports and plan
 * snapshots written by the pipeline land in the same memory the test reads.
 *
 * @module
 */
import type { WorkspaceIo, WriteResult } from "../src/workspace/guarded_io.ts";
import { DEFAULT_MAX_BYTES } from "../src/workspace/guarded_io.ts";
import { WorkspaceError, type WorkspaceFs } from "../src/workspace/workspace_fs.ts";

/** The guarded I/O of the in-memory workspace `fs` (removing files is not supported). */
export function memoryIo(fs: WorkspaceFs): WorkspaceIo {
  const io: WorkspaceIo = {
    root: fs.root,
    async readText(rel, options) {
      const text = await fs.readText(rel);
      const max = options?.maxBytes ?? DEFAULT_MAX_BYTES;
      if (new TextEncoder().encode(text).length > max) {
        throw new WorkspaceError(
          `Cannot read "${rel}": it is over the ${max}-byte limit`,
          "too_large",
        );
      }
      return text;
    },
    async writeText(rel, text): Promise<WriteResult> {
      await fs.writeText(rel, text);
      return { path: rel };
    },
    async appendText(rel, text, options) {
      const old = (await fs.isFile(rel)) ? await io.readText(rel, options) : "";
      return await io.writeText(rel, old + text);
    },
    exists: (rel) => fs.isFile(rel),
    remove: (rel) =>
      Promise.reject(
        new WorkspaceError(`Cannot remove "${rel}": the in-memory workspace keeps files`, "denied"),
      ),
  };
  return io;
}
