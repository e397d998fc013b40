/**
 * Reads small repository metadata files (`.git` files, `commondir`,
 * `alternates`, config) without following links and without blocking on a
 * FIFO or a device: only a regular file no larger than a cap is read.
 *
 * @module
 */
import { errorMessage } from "../errors.ts";

/** Outcome of {@linkcode readSmallFile}. */
export type SmallRead =
  | { kind: "missing" }
  | { kind: "bad"; why: string }
  | { kind: "ok"; text: string };

/**
 * Reads `path` when it is a regular file of at most `maxBytes`. Never throws.
 * The metadata calls are synchronous (they never block on what they look at);
 * the open stays asynchronous, so a FIFO swapped in after the `lstat` blocks
 * a pool thread, never LAO's own; reading a file `fstat` calls regular is
 * synchronous again. The buffer is sized by the file, not by the cap.
 */
export async function readSmallFile(path: string, maxBytes: number): Promise<SmallRead> {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { kind: "missing" };
    return { kind: "bad", why: `cannot be read (${errorMessage(err)})` };
  }
  if (info.isSymlink) return { kind: "bad", why: "is a symbolic link" };
  if (!info.isFile) return { kind: "bad", why: "is not a regular file" };
  if (info.size > maxBytes) return { kind: "bad", why: `is larger than ${maxBytes} bytes` };
  try {
    using file = await Deno.open(path, { read: true });
    const opened = file.statSync();
    if (!opened.isFile) return { kind: "bad", why: "is not a regular file" };
    const limit = maxBytes + 1;
    let buf = new Uint8Array(Math.min(limit, Math.max(opened.size, info.size) + 1));
    let total = 0;
    for (;;) {
      if (total === buf.length) {
        if (buf.length >= limit) break;
        // The file grew since its stat: read on, up to one byte past the cap.
        const bigger = new Uint8Array(Math.min(limit, buf.length * 2));
        bigger.set(buf);
        buf = bigger;
      }
      const n = file.readSync(buf.subarray(total));
      if (n === null) break;
      total += n;
    }
    if (total > maxBytes) return { kind: "bad", why: `is larger than ${maxBytes} bytes` };
    return { kind: "ok", text: new TextDecoder().decode(buf.subarray(0, total)) };
  } catch (err) {
    return { kind: "bad", why: `cannot be read (${errorMessage(err)})` };
  }
}

/** What a path is, without following a final symlink. */
export type EntryKind = "missing" | "dir" | "file" | "symlink" | "other";

/** `lstat` as a kind; errors other than not-found count as `other`. */
export function entryKind(path: string): Promise<EntryKind> {
  return Promise.resolve(entryKindSync(path));
}

/**
 * {@linkcode entryKind} without the trip through the file-system thread pool
 * (an `lstat` never opens, so it cannot block on what it looks at).
 */
export function entryKindSync(path: string): EntryKind {
  try {
    const info = Deno.lstatSync(path);
    return info.isSymlink ? "symlink" : info.isDirectory ? "dir" : info.isFile ? "file" : "other";
  } catch (err) {
    return err instanceof Deno.errors.NotFound ? "missing" : "other";
  }
}
