/**
 * Small file checks shared by the workspace guard (the model's file tools)
 * and the guarded I/O (LAO's own files): naming a non-regular file type,
 * telling whether an opened file is the one that was checked, and reading at
 * most a given number of bytes however much the file grows meanwhile.
 *
 * @module
 */

/** Describes a non-regular file type for an error message ("is a FIFO"). */
export function kindOf(info: Deno.FileInfo): string {
  if (info.isSymlink) return "is a symlink";
  if (info.isDirectory) return "is a directory";
  if (info.isFifo) return "is a FIFO";
  if (info.isSocket) return "is a socket";
  if (info.isCharDevice || info.isBlockDevice) return "is a device";
  return "is not a regular file";
}

/** True when `opened` (an `fstat`) is a regular file with the same device and inode as `checked`. */
export function sameRegularFile(opened: Deno.FileInfo, checked: Deno.FileInfo): boolean {
  return opened.isFile && opened.ino === checked.ino && opened.dev === checked.dev;
}

/** `lstat` that returns undefined when nothing is at `path`. */
export async function lstatOrUndefined(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.lstat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/**
 * Reads at most `limit` bytes from `file` (an open file), in chunks, so a
 * file that grows while it is read never costs more than `limit` bytes.
 * `sizeHint` (the checked size) only sizes the first buffer.
 */
export async function readCapped(
  file: Deno.FsFile,
  limit: number,
  sizeHint = 0,
): Promise<Uint8Array> {
  const buf = new Uint8Array(Math.min(limit, Math.max(sizeHint + 1, 4096)));
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < limit) {
    const n = await file.read(buf.subarray(0, Math.min(buf.length, limit - total)));
    if (n === null) break;
    chunks.push(buf.slice(0, n));
    total += n;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
