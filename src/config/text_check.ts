/**
 * Strict text decoding for files users write by hand (`factory.yaml`, plans):
 * UTF-8 or a precise reason why not, and a binary-content check.
 *
 * @module
 */

/** Result of {@linkcode decodeUtf8}. */
export type Decoded = { ok: true; text: string } | { ok: false; offset: number; line: number };

/** Decodes strict UTF-8 (a leading BOM is dropped); on failure, where the first bad byte is. */
export function decodeUtf8(bytes: Uint8Array): Decoded {
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    const offset = firstInvalidByte(bytes);
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 10) line++;
    return { ok: false, offset, line };
  }
}

/**
 * Why a decoded text looks binary rather than written by a person, or null:
 * a NUL character, or more than 1% control characters other than tab, line
 * feed, carriage return and form feed.
 */
export function binaryReason(text: string): string | null {
  const nul = text.indexOf("\u0000");
  if (nul >= 0) return `it contains a NUL character (offset ${nul}): it looks binary`;
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 127) control++;
  }
  if (control > Math.max(2, text.length / 100)) {
    return `${control} control characters: it looks binary`;
  }
  return null;
}

/** Replaces control characters (terminal escapes included) so text is safe to print. */
export function printable(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, "?");
}

/** Offset of the first byte of the first invalid UTF-8 sequence (binary search on prefixes). */
function firstInvalidByte(bytes: Uint8Array): number {
  const validPrefix = (n: number) => {
    try {
      // stream: an incomplete sequence at the end of the prefix is not an error.
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (validPrefix(mid)) lo = mid;
    else hi = mid - 1;
  }
  // The first lo bytes decode, a cut sequence at their end included: the error starts there.
  let start = lo;
  while (start > 0 && lo - start < 3 && (bytes[start - 1]! & 0xc0) === 0x80) start--;
  if (start > 0 && bytes[start - 1]! >= 0xc0) return start - 1;
  return Math.max(0, Math.min(lo, bytes.length - 1));
}
