/**
 * What of a streamed Pilot answer can be shown as it arrives: the raw
 * text without `<think>…</think>` blocks (even when a tag is split across
 * chunks) and without the leading blank space, as a pure filter.
 *
 * @module
 */

const OPEN = "<think>";
const CLOSE = "</think>";

/** The part of `raw` that is safe to show now. */
export function visibleSoFar(raw: string): string {
  let out = "";
  let rest = raw;
  for (;;) {
    const open = rest.indexOf(OPEN);
    if (open === -1) break;
    out += rest.slice(0, open);
    const close = rest.indexOf(CLOSE, open + OPEN.length);
    // An unclosed block hides everything after it, for now.
    if (close === -1) return out.trimStart();
    rest = rest.slice(close + CLOSE.length);
  }
  // A tail that may be the start of "<think>" waits for the next chunk.
  for (let n = Math.min(OPEN.length - 1, rest.length); n > 0; n--) {
    if (OPEN.startsWith(rest.slice(-n))) {
      rest = rest.slice(0, -n);
      break;
    }
  }
  return (out + rest).trimStart();
}

/** A filter for one streamed answer: feed raw deltas, get the new visible text (maybe ""). */
export function streamFilter(): (delta: string) => string {
  let raw = "";
  let shown = "";
  return (delta) => {
    raw += delta;
    const visible = visibleSoFar(raw);
    if (!visible.startsWith(shown)) return "";
    const next = visible.slice(shown.length);
    shown = visible;
    return next;
  };
}
