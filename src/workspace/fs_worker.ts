/**
 * Worker entry point: serves a {@linkcode WorkspaceGuard} on the workspace.
 * Started by {@linkcode WorkerWorkspaceFs} with Deno permissions narrowed to
 * the workspace, so a guard bug still meets `NotCapable`.
 *
 * @module
 */
import { type FsInit, serveWorkspaceFs, type WorkerScope } from "./fs_protocol.ts";
import { WorkspaceGuard } from "./guard.ts";

serveWorkspaceFs(
  self as unknown as WorkerScope,
  (init: FsInit) => WorkspaceGuard.open(init.root, init.options),
);
