/**
 * A {@linkcode WorkspaceFs} decorator that remembers each file's content
 * before the task first changed it — through a tool write or a shell command
 * alike — so the reviewer sees a real diff of the task's change (not the
 * model's own account of it).
 *
 * @module
 */
import { createTwoFilesPatch } from "diff";
import type { WalkOptions, WorkspaceEntry, WorkspaceFs } from "./workspace_fs.ts";

/** A recording workspace. */
export interface RecordingFs extends WorkspaceFs {
  /** Unified diff of every changed file against its content before the task. */
  diff(paths: readonly string[]): Promise<string>;
  /**
   * Runs `command` (a shell command), then returns the files it created or
   * modified, with their content before it recorded for {@linkcode diff}.
   */
  track<T>(command: () => Promise<T>): Promise<{ result: T; changed: string[] }>;
}

/** Files the workspace walk looks at around a shell command. */
const WALK_LIMIT = 5000;
/** Larger files are not read ahead of a shell command; their diff says so. */
export const BEFORE_FILE_CAP = 256 * 1024;
/** At most this much is held ahead of one shell command. */
const BEFORE_TOTAL_CAP = 16 * 1024 * 1024;

/** Size and modification time of every file in the workspace. */
async function stamps(fs: WorkspaceFs): Promise<Map<string, WorkspaceEntry>> {
  const files = await fs.walk({ limit: WALK_LIMIT }).catch(() => []);
  return new Map(files.filter((e) => e.kind === "file").map((e) => [e.path, e]));
}

const stamp = (e: WorkspaceEntry | undefined) => e && `${e.size}:${e.mtimeMs ?? ""}`;

/** Paths created or modified between two walks. */
export function changedSince(
  before: Map<string, WorkspaceEntry>,
  after: Map<string, WorkspaceEntry>,
): string[] {
  return [...after].filter(([path, e]) => stamp(before.get(path)) !== stamp(e))
    .map(([path]) => path);
}

/** Wraps `inner`, recording original contents before the first change of each path. */
export function recordingFs(inner: WorkspaceFs): RecordingFs {
  /** Content before the task; null = the file did not exist; undefined = too large to keep. */
  const originals = new Map<string, string | null | undefined>();
  /** Contents read ahead of shell commands, valid while the file's stamp is unchanged. */
  const readAhead = new Map<string, { stamp: string; text: string | null }>();

  async function readBefore(files: Map<string, WorkspaceEntry>) {
    let total = 0;
    for (const [path, entry] of files) {
      if (originals.has(path)) continue;
      const size = entry.size ?? 0;
      if (size > BEFORE_FILE_CAP || total + size > BEFORE_TOTAL_CAP) {
        readAhead.delete(path);
        continue;
      }
      total += size;
      const s = stamp(entry)!;
      if (readAhead.get(path)?.stamp === s) continue;
      readAhead.set(path, { stamp: s, text: await inner.readText(path).catch(() => null) });
    }
  }

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
    async track<T>(command: () => Promise<T>) {
      const before = await stamps(inner);
      await readBefore(before);
      const result = await command();
      const changed = changedSince(before, await stamps(inner));
      for (const path of changed) {
        if (originals.has(path)) continue;
        originals.set(path, before.has(path) ? readAhead.get(path)?.text : null);
      }
      return { result, changed };
    },
    diff: (paths: readonly string[]) => diffAgainst(inner, originals, paths),
  };
}

/** Unified diff of each of `paths` against its recorded original. */
async function diffAgainst(
  inner: WorkspaceFs,
  originals: ReadonlyMap<string, string | null | undefined>,
  paths: readonly string[],
): Promise<string> {
  const parts: string[] = [];
  for (const path of paths) {
    const rel = await inner.relative(path).catch(() => path);
    const before = originals.get(rel);
    const after = await inner.readText(rel).catch(() => null);
    if (before === undefined && originals.has(rel)) {
      parts.push(
        `--- a/${rel}\n+++ b/${rel}\n(changed by a shell command; the file was ` +
          `over ${BEFORE_FILE_CAP / 1024} KB, so its earlier content is not shown)\n`,
      );
      continue;
    }
    if ((before ?? null) === after) continue;
    parts.push(
      createTwoFilesPatch(
        before == null ? "/dev/null" : `a/${rel}`,
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
}
