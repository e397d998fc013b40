/**
 * The message protocol between {@linkcode WorkerWorkspaceFs} (main thread) and
 * a file-system worker, plus {@linkcode serveWorkspaceFs}, the worker-side
 * dispatcher. Requests carry ids so several calls may be in flight.
 *
 * @module
 */
import { WorkspaceError, type WorkspaceFs } from "./workspace_fs.ts";

/** The methods of {@linkcode WorkspaceFs} callable through the worker. */
export type FsMethod = "readText" | "writeText" | "isFile" | "walk" | "relative";

/** First message to the worker: which folder to serve. */
export interface FsInit {
  /** Message kind. */
  kind: "init";
  /** The workspace folder (real path). */
  root: string;
  /** Guard options forwarded to the worker's guard. */
  options: { maxReadBytes?: number; maxWriteBytes?: number; aliases?: string[] };
}

/** A call of one method. */
export interface FsRequest {
  /** Message kind. */
  kind: "call";
  /** Request id, echoed in the reply. */
  id: number;
  /** Method name. */
  method: FsMethod;
  /** Positional arguments (structured-cloneable). */
  args: unknown[];
}

/** The worker's answer to a request (id 0 answers the init message). */
export type FsReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; message: string; code: string };

/** Minimal view of a worker global scope (for testing and typing). */
export interface WorkerScope {
  /** Sends a reply to the main thread. */
  postMessage(message: FsReply): void;
  /** Receives messages from the main thread. */
  onmessage: ((event: MessageEvent<FsInit | FsRequest>) => void) | null;
}

/** Converts any failure into a reply; permission errors become `denied`. */
export function errorReply(id: number, err: unknown): FsReply {
  if (err instanceof WorkspaceError) return { id, ok: false, message: err.message, code: err.code };
  if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
    return {
      id,
      ok: false,
      message: `Access denied by the workspace worker: ${err.message}`,
      code: "denied",
    };
  }
  return { id, ok: false, message: err instanceof Error ? err.message : String(err), code: "io" };
}

/** Calls `method` on `fs` with `args`. */
function dispatch(fs: WorkspaceFs, method: FsMethod, args: unknown[]): Promise<unknown> {
  const s = (i: number) => String(args[i] ?? "");
  switch (method) {
    case "readText":
      return fs.readText(s(0));
    case "writeText":
      return fs.writeText(s(0), s(1));
    case "isFile":
      return fs.isFile(s(0));
    case "walk":
      return fs.walk((args[0] ?? {}) as Parameters<WorkspaceFs["walk"]>[0]);
    case "relative":
      return fs.relative(s(0));
  }
}

/**
 * Serves a {@linkcode WorkspaceFs} over `scope`. `open` builds the file system
 * from the init message. Calls are answered in order of completion.
 */
export function serveWorkspaceFs(
  scope: WorkerScope,
  open: (init: FsInit) => Promise<WorkspaceFs>,
): void {
  let fs: Promise<WorkspaceFs> | undefined;
  scope.onmessage = (event) => {
    const msg = event.data;
    if (msg.kind === "init") {
      fs = open(msg);
      fs.then(() => scope.postMessage({ id: 0, ok: true, value: null }))
        .catch((err) => scope.postMessage(errorReply(0, err)));
      return;
    }
    if (fs === undefined) {
      scope.postMessage({
        id: msg.id,
        ok: false,
        message: "Worker is not initialised",
        code: "io",
      });
      return;
    }
    fs.then((f) => dispatch(f, msg.method, msg.args))
      .then((value) => scope.postMessage({ id: msg.id, ok: true, value }))
      .catch((err) => scope.postMessage(errorReply(msg.id, err)));
  };
}
