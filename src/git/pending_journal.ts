/**
 * The commits a workspace has queued and not landed yet, on disk in LAO's
 * own folder (`<layoutDir>/<record>.pending.json`, beside the layout record,
 * never visible to the sandbox), so a run killed before its queued commits
 * landed has them made by the next run before anything else touches the
 * workspace (`commits.ts`).
 *
 * What a SIGKILL loses without it: the task's state is already stored (the
 * phase queued its commit after the transition), so the next run would
 * review a `coded` task whose files were never committed, and a verdict line
 * of `LAO_REVIEW.log` would never be written. With it, the next run replays
 * each entry: a coder commit of the same files with the same message (the
 * files still hold what the coder wrote: nothing of LAO's writes them before
 * the replay), a reviewer commit that appends the recorded line unless the
 * log already ends with it. An entry whose commit did land before the kill
 * finds nothing to commit and is dropped.
 *
 * @module
 */
import { errorMessage } from "../errors.ts";
import type { CoderInput, ReviewInput } from "./port.ts";
import { recordPath } from "./layout_record.ts";
import { readSmallFile } from "./safe_read.ts";

/** A queued commit as recorded. */
export type PendingEntry =
  | { kind: "coder"; id: number; input: CoderInput }
  | { kind: "review"; id: number; input: ReviewInput; line: string };

/** An entry before the journal numbered it. */
export type NewEntry =
  | { kind: "coder"; input: CoderInput }
  | { kind: "review"; input: ReviewInput; line: string };

/**
 * The journal of one workspace. It reads what an earlier process left before
 * its first write (so nothing is overwritten unread). Writes are coalesced:
 * at most one is in flight, and every change made meanwhile lands in the one
 * after it (a commit's drop and the next commit's add are one write), so the
 * journal costs LAO's main thread about one file write per queued commit.
 */
export class PendingJournal {
  #path: Promise<string | null>;
  #entries: PendingEntry[] = [];
  #leftover: Promise<PendingEntry[]>;
  /** The write in flight (or the read of the leftover before the first one). */
  #writing: Promise<void>;
  /** The next write, when a change is waiting for it. */
  #next: Promise<void> | null = null;
  #nextId = 1;
  #warn: (message: string) => void;
  /** Whether the file may exist: true until the read of the leftover found none. */
  #onDisk = true;

  /** `workspace` as the plan gives it (resolved to its real path, the layout record's key). */
  constructor(layoutDir: string, workspace: string, warn: (message: string) => void) {
    this.#warn = warn;
    this.#path = Deno.realPath(workspace)
      .then((ws) => recordPath(layoutDir, ws))
      .then((p) => p.replace(/\.json$/, ".pending.json"))
      .catch(() => null);
    this.#leftover = this.#path.then(async (path) => {
      const read = await readEntries(path);
      this.#onDisk = read.present;
      return read.entries;
    }).then((old) => {
      const numbered = old.map((e) => ({ ...e, id: this.#nextId++ }));
      this.#entries = [...numbered, ...this.#entries];
      return numbered;
    });
    this.#writing = this.#leftover.then(() => {});
  }

  /** The entries an earlier process left unlanded, in queue order. */
  leftover(): Promise<PendingEntry[]> {
    return this.#leftover;
  }

  /** Records `entry` as queued: its id at once, `saved` once it is on disk. */
  add(entry: NewEntry): { id: number; saved: Promise<void> } {
    const id = this.#nextId++;
    this.#entries.push({ ...entry, id } as PendingEntry);
    return { id, saved: this.#save() };
  }

  /** Records that the entry with `id` landed (or was given up); resolves once that is on disk. */
  drop(id: number): Promise<void> {
    this.#entries = this.#entries.filter((e) => e.id !== id);
    return this.#save();
  }

  /** Resolves when every change made so far is on disk. */
  flushed(): Promise<void> {
    return this.#next ?? this.#writing;
  }

  /** The write that will hold the current entries: the waiting one, else a new one after the write in flight. */
  #save(): Promise<void> {
    if (this.#next) return this.#next;
    const next = this.#writing.then(() => {
      // From here on a change needs a write of its own: this one has taken the entries.
      this.#next = null;
      return this.#write([...this.#entries]);
    });
    this.#next = next;
    this.#writing = next;
    return next;
  }

  /**
   * Writes `entries` (temp file + rename), or removes the file when there
   * are none; a removal of a file this journal knows is absent is skipped.
   * The calls stay asynchronous: a rename over the old file makes ext4 start
   * writing the new one out, which may block, and must not block LAO's thread.
   */
  async #write(entries: PendingEntry[]): Promise<void> {
    const path = await this.#path;
    if (path === null) return;
    try {
      if (entries.length === 0) {
        if (this.#onDisk) await Deno.remove(path).catch(ignoreMissing);
        this.#onDisk = false;
      } else {
        const temp = `${path}.tmp`;
        this.#onDisk = true;
        await Deno.writeTextFile(temp, JSON.stringify(entries));
        await Deno.rename(temp, path);
      }
    } catch (err) {
      this.#warn(`Cannot record the queued commits in ${path}: ${errorMessage(err)}`);
    }
  }
}

/** The valid entries of the file at `path`, and whether anything is there at all. */
async function readEntries(
  path: string | null,
): Promise<{ entries: PendingEntry[]; present: boolean }> {
  if (path === null) return { entries: [], present: false };
  const read = await readSmallFile(path, 4 << 20);
  if (read.kind !== "ok") return { entries: [], present: read.kind !== "missing" };
  try {
    const value = JSON.parse(read.text);
    return { entries: Array.isArray(value) ? value.filter(isEntry) : [], present: true };
  } catch {
    return { entries: [], present: true };
  }
}

function ignoreMissing(err: unknown): void {
  if (!(err instanceof Deno.errors.NotFound)) throw err;
}

function isEntry(value: unknown): value is PendingEntry {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  const input = e.input as Record<string, unknown> | undefined;
  if (typeof e.id !== "number" || typeof input !== "object" || input === null) return false;
  if (typeof input.planId !== "string" || typeof input.taskId !== "number") return false;
  if (typeof input.title !== "string") return false;
  if (e.kind === "coder") {
    return Array.isArray(input.files) && input.files.every((f) => typeof f === "string");
  }
  return e.kind === "review" && typeof e.line === "string" && typeof input.verdict === "string";
}
