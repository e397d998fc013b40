/**
 * The port every file tool (coder and pilot) uses to touch the plan workspace.
 * The production implementation is the workspace guard (`guard.ts`) behind
 * the Worker wall (`worker_fs.ts`); tests use the in-memory fake
 * (`testing/memory_fs.ts`).
 *
 * Every path argument is workspace-relative (absolute paths are accepted only
 * when they resolve inside the workspace). Every method throws a
 * {@linkcode WorkspaceError} with a one-line, model-readable message such as
 * `Cannot write ".git/hooks/pre-commit": writes to .git/ are not allowed`.
 *
 * @module
 */

/** One entry of a directory listing or walk. */
export interface WorkspaceEntry {
  /** Workspace-relative path with `/` separators. */
  path: string;
  kind: "file" | "dir" | "symlink" | "other";
  /** Size in bytes (files only). */
  size?: number;
  /** Last modification time in ms since the epoch (files only, when known). */
  mtimeMs?: number;
}

/** Options of {@linkcode WorkspaceFs.walk}. */
export interface WalkOptions {
  /** Start folder, workspace-relative (default "."). */
  path?: string;
  /** Maximum depth below `path` (default unlimited). */
  maxDepth?: number;
  /** Include `.git` and `node_modules` (default false). */
  includeIgnored?: boolean;
  /** Stop after this many entries. */
  limit?: number;
}

/** Workspace-confined file access. */
export interface WorkspaceFs {
  /** Real path of the workspace root. */
  readonly root: string;
  /** Reads a UTF-8 text file (size-capped, binary files refused). */
  readText(path: string): Promise<string>;
  /** Writes a text file atomically (temp file + rename), creating parent folders. */
  writeText(path: string, content: string): Promise<void>;
  /** True when `path` exists inside the workspace as a regular file. */
  isFile(path: string): Promise<boolean>;
  /** Lists files and folders (never follows symlinks). */
  walk(options?: WalkOptions): Promise<WorkspaceEntry[]>;
  /** Resolves a user/model path to a normalized workspace-relative path, or throws. */
  relative(path: string): Promise<string>;
}

/** A refused or failed workspace operation; the message is safe to show a model. */
export class WorkspaceError extends Error {
  /** Machine-readable reason, e.g. `outside`, `denied`, `not_found`, `too_large`, `binary`. */
  readonly code: string;
  /** Creates the error. */
  constructor(message: string, code: string) {
    super(message);
    this.name = "WorkspaceError";
    this.code = code;
  }
}
