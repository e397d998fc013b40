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

/** Reads `path` when it is a regular file of at most `maxBytes`. Never throws. */
export async function readSmallFile(path: string, maxBytes: number): Promise<SmallRead> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { kind: "missing" };
    return { kind: "bad", why: `cannot be read (${errorMessage(err)})` };
  }
  if (info.isSymlink) return { kind: "bad", why: "is a symbolic link" };
  if (!info.isFile) return { kind: "bad", why: "is not a regular file" };
  if (info.size > maxBytes) return { kind: "bad", why: `is larger than ${maxBytes} bytes` };
  try {
    using file = await Deno.open(path, { read: true });
    const opened = await file.stat();
    if (!opened.isFile) return { kind: "bad", why: "is not a regular file" };
    const buf = new Uint8Array(maxBytes + 1);
    let total = 0;
    while (total < buf.length) {
      const n = await file.read(buf.subarray(total));
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
export async function entryKind(path: string): Promise<EntryKind> {
  try {
    const info = await Deno.lstat(path);
    return info.isSymlink ? "symlink" : info.isDirectory ? "dir" : info.isFile ? "file" : "other";
  } catch (err) {
    return err instanceof Deno.errors.NotFound ? "missing" : "other";
  }
}
