/**
 * {@linkcode WorkspaceFs} that runs the workspace guard inside a Worker whose
 * Deno permissions are only `read`/`write` of the workspace (no net, run, env,
 * ffi, sys or import). Two walls: the guard's own checks, then `NotCapable`.
 *
 * Needs `"unstable": ["worker-options"]` (deno.json) or
 * `--unstable-worker-options` when compiling, and `fs_worker.ts` included in a
 * compiled binary (`deno compile --include src/workspace/fs_worker.ts`).
 *
 * @module
 */
import {
  type WalkOptions,
  type WorkspaceEntry,
  WorkspaceError,
  type WorkspaceFs,
} from "./workspace_fs.ts";
import type { FsMethod, FsReply } from "./fs_protocol.ts";
import type { GuardOptions } from "./guard.ts";

/** Options of {@linkcode WorkerWorkspaceFs.open}. */
export interface WorkerFsOptions extends GuardOptions {
  /** Worker module to run (default `./fs_worker.ts`); tests swap in a deliberately broken one. */
  workerUrl?: URL;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

/** Workspace access through a permission-narrowed Worker. Call `close()` when done. */
export class WorkerWorkspaceFs implements WorkspaceFs, Disposable {
  /** Real path of the workspace root. */
  readonly root: string;
  #worker: Worker;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  private constructor(root: string, worker: Worker) {
    this.root = root;
    this.#worker = worker;
    worker.onmessage = (e: MessageEvent<FsReply>) => this.#settle(e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#failAll(new WorkspaceError(`Workspace worker failed: ${e.message}`, "io"));
    };
  }

  /** Starts the worker on `workspace` and waits until its guard is open. */
  static async open(workspace: string, options: WorkerFsOptions = {}): Promise<WorkerWorkspaceFs> {
    const root = await Deno.realPath(workspace);
    const url = options.workerUrl ?? new URL("./fs_worker.ts", import.meta.url);
    const worker = new Worker(url, {
      type: "module",
      deno: {
        permissions: {
          read: [root],
          write: [root],
          net: false,
          run: false,
          env: false,
          ffi: false,
          sys: false,
          import: false,
        },
      },
    });
    const fs = new WorkerWorkspaceFs(root, worker);
    const ready = new Promise((resolve, reject) => fs.#pending.set(0, { resolve, reject }));
    const { workerUrl: _url, ...guardOptions } = options;
    worker.postMessage({ kind: "init", root, options: { ...guardOptions, aliases: [workspace] } });
    try {
      await ready;
    } catch (err) {
      fs.close();
      throw err;
    }
    return fs;
  }

  #settle(reply: FsReply): void {
    const p = this.#pending.get(reply.id);
    if (p === undefined) return;
    this.#pending.delete(reply.id);
    if (reply.ok) p.resolve(reply.value);
    else p.reject(new WorkspaceError(reply.message, reply.code));
  }

  #failAll(err: Error): void {
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }

  #call(method: FsMethod, ...args: unknown[]): Promise<unknown> {
    if (this.#closed) {
      return Promise.reject(new WorkspaceError("Workspace worker is closed", "io"));
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ kind: "call", id, method, args });
    });
  }

  /** {@inheritDoc WorkspaceFs.readText} */
  async readText(path: string): Promise<string> {
    return String(await this.#call("readText", path));
  }

  /** {@inheritDoc WorkspaceFs.writeText} */
  async writeText(path: string, content: string): Promise<void> {
    await this.#call("writeText", path, content);
  }

  /** {@inheritDoc WorkspaceFs.isFile} */
  async isFile(path: string): Promise<boolean> {
    return (await this.#call("isFile", path)) === true;
  }

  /** {@inheritDoc WorkspaceFs.walk} */
  async walk(options: WalkOptions = {}): Promise<WorkspaceEntry[]> {
    return (await this.#call("walk", options)) as WorkspaceEntry[];
  }

  /** {@inheritDoc WorkspaceFs.relative} */
  async relative(path: string): Promise<string> {
    return String(await this.#call("relative", path));
  }

  /** Stops the worker; pending calls fail. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker.terminate();
    this.#failAll(new WorkspaceError("Workspace worker is closed", "io"));
  }

  /** Same as {@linkcode close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}
