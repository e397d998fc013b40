/**
 * A deliberately broken file-system worker for the red-team suite: it does no
 * path checks at all, so only the Worker's Deno permissions stand between it
 * and the rest of the disk.
 *
 * @module
 */
import { resolve } from "node:path";
import type { WorkspaceFs } from "../../src/workspace/workspace_fs.ts";
import { serveWorkspaceFs, type WorkerScope } from "../../src/workspace/fs_protocol.ts";

serveWorkspaceFs(self as unknown as WorkerScope, (init) => {
  const at = (p: string) => resolve(init.root, p);
  const fs: WorkspaceFs = {
    root: init.root,
    readText: (p) => Deno.readTextFile(at(p)),
    writeText: (p, c) => Deno.writeTextFile(at(p), c),
    isFile: async (p) => (await Deno.stat(at(p))).isFile,
    walk: () => Promise.resolve([]),
    relative: (p) => Promise.resolve(p),
  };
  return Promise.resolve(fs);
});
