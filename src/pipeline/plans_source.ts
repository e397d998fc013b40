/**
 * The plans folder as a port: list its `*.md` entries with size and mtime,
 * read one file, watch the folder for changes, create it when missing. The
 * intake reads plans only through a {@linkcode PlansSource}, so the pipeline
 * runs on an in-memory one in tests (`testing/memory_plans.ts`).
 * {@linkcode diskPlansSource} is the real folder, with Deno's own file calls
 * only (no `node:fs`), so `lao status` can list plans cheaply.
 *
 * @module
 */
import { join } from "node:path";

/** One entry of the plans folder (or a file named with `--plan`). */
export interface PlanFileInfo {
  /** The entry's path (the folder joined with its name, or the path asked for). */
  path: string;
  /** Its base name, e.g. `todo.md`. */
  name: string;
  /** A regular file (not a folder, FIFO or device). */
  isFile: boolean;
  size: number;
  /** Modification time in ms since the epoch (0 when unknown). */
  mtimeMs: number;
}

/** Where plan files come from. */
export interface PlansSource {
  /** The plans folder. */
  readonly dir: string;
  /** Every `*.md` entry of the folder, sorted by name; none when the folder is missing. */
  list(): PlanFileInfo[];
  /** One path's metadata (links followed), or null when nothing is there. */
  stat(path: string): PlanFileInfo | null;
  /** A file's bytes; throws when it cannot be read. */
  read(path: string): Uint8Array;
  /** Creates the folder when it is missing. */
  ensure(): Promise<void>;
  /**
   * Calls `onChange` whenever a `*.md` entry of the folder changes; returns
   * a function that stops watching. Null when watching is unavailable (the
   * caller rescans on a timer instead).
   */
  watch(onChange: () => void): (() => void) | null;
}

function info(path: string, name: string, stat: Deno.FileInfo): PlanFileInfo {
  return { path, name, isFile: stat.isFile, size: stat.size, mtimeMs: stat.mtime?.getTime() ?? 0 };
}

function statOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch {
    return null;
  }
}

/** The plans folder `dir` on disk. */
export function diskPlansSource(dir: string): PlansSource {
  return {
    dir,
    list() {
      if (!statOrNull(dir)?.isDirectory) return [];
      const out: PlanFileInfo[] = [];
      for (const e of Deno.readDirSync(dir)) {
        if (!/\.md$/i.test(e.name)) continue;
        const path = join(dir, e.name);
        const stat = statOrNull(path);
        if (stat) out.push(info(path, e.name, stat));
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    stat(path) {
      const stat = statOrNull(path);
      return stat ? info(path, path.split(/[\\/]/).pop() ?? path, stat) : null;
    },
    read: (path) => Deno.readFileSync(path),
    ensure: () => Deno.mkdir(dir, { recursive: true }),
    watch(onChange) {
      let watcher: Deno.FsWatcher;
      try {
        watcher = Deno.watchFs(dir, { recursive: false });
      } catch {
        return null;
      }
      (async () => {
        try {
          for await (const ev of watcher) {
            if (ev.paths.some((p) => /\.md$/i.test(p))) onChange();
          }
        } catch {
          // closed
        }
      })();
      return () => {
        try {
          watcher.close();
        } catch {
          // already closed
        }
      };
    },
  };
}
