/**
 * An in-memory {@linkcode PlansSource} for tests: plan files in a map under
 * `dir`, a fake mtime that moves on every write, watchers called on every
 * change. Files may also live outside `dir` (a `--plan PATH` elsewhere).
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import type { PlanFileInfo, PlansSource } from "../src/pipeline/plans_source.ts";

/** The fake plans folder, with the calls a test makes to change it. */
export interface MemoryPlans extends PlansSource {
  /** Writes (or replaces) a file; a name without a folder goes into `dir`. */
  write(name: string, content: string | Uint8Array): void;
  /** Removes a file. */
  remove(name: string): void;
  /** True once `ensure()` was called (the folder exists). */
  readonly ensured: boolean;
}

/** Options of {@linkcode memoryPlans}. */
export interface MemoryPlansOptions {
  /** Plan files already there (name → content). */
  files?: Record<string, string>;
  /** Called when the pipeline asks for the folder (`ensure`). */
  onEnsure?: (dir: string) => void;
}

/** Creates the fake plans folder `folder`. */
export function memoryPlans(folder: string, options: MemoryPlansOptions = {}): MemoryPlans {
  const dir = resolve(folder);
  const entries = new Map<string, { bytes: Uint8Array; mtimeMs: number }>();
  const watchers = new Set<() => void>();
  let clock = 1;
  let ensured = false;
  const pathOf = (name: string) => (name.includes("/") ? resolve(name) : join(dir, name));
  const changed = () => {
    for (const w of [...watchers]) w();
  };
  const infoOf = (path: string): PlanFileInfo | null => {
    const e = entries.get(path);
    if (e) {
      return { path, name: basename(path), isFile: true, size: e.bytes.length, mtimeMs: e.mtimeMs };
    }
    return null;
  };
  const source: MemoryPlans = {
    dir,
    get ensured() {
      return ensured;
    },
    list: () =>
      [...entries.keys()]
        .filter((p) => dirname(p) === dir && /\.md$/i.test(p))
        .sort()
        .map((p) => infoOf(p)!),
    stat: (path) => infoOf(resolve(path)),
    read(path) {
      const e = entries.get(resolve(path));
      if (!e) throw new Deno.errors.NotFound(`No such file: ${path}`);
      return e.bytes;
    },
    ensure() {
      ensured = true;
      options.onEnsure?.(dir);
      return Promise.resolve();
    },
    watch(onChange) {
      watchers.add(onChange);
      return () => watchers.delete(onChange);
    },
    write(name, content) {
      const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
      entries.set(pathOf(name), { bytes, mtimeMs: clock++ });
      changed();
    },
    remove(name) {
      entries.delete(pathOf(name));
      changed();
    },
  };
  for (const [name, content] of Object.entries(options.files ?? {})) source.write(name, content);
  return source;
}
