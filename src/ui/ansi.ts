/**
 * Small ANSI helpers for the terminal UI: colouring that can be switched
 * off, stripping escapes, and cutting text to a visible width.
 *
 * @module
 */

/** The styles the UI uses. */
export type Paint = "bold" | "dim" | "red" | "green" | "yellow" | "cyan";

const CODES: Record<Paint, readonly [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

// deno-lint-ignore no-control-regex
const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * Wraps `text` in an ANSI style when `color` is on; returns it unchanged otherwise.
 *
 * @example
 * ```ts
 * paint(false, "red", "x"); // "x"
 * ```
 */
export function paint(color: boolean, style: Paint, text: string): string {
  if (!color || text === "") return text;
  const [on, off] = CODES[style];
  return `\x1b[${on}m${text}\x1b[${off}m`;
}

/** Removes ANSI escape sequences from `text`. */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPES, "");
}

/**
 * Cuts plain (escape-free) `text` to at most `width` characters, ending
 * with `…` when something was cut.
 */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 0) return "";
  return chars.slice(0, width - 1).join("") + "…";
}

/** Number of characters `text` takes on screen (escapes excluded). */
export function visibleLength(text: string): number {
  return [...stripAnsi(text)].length;
}
