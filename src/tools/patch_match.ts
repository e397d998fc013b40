/**
 * The matching behind `file_patch`: exact, then trailing-whitespace
 * insensitive, then indentation-flexible (the replacement is re-indented);
 * ambiguous matches are refused; on failure the closest window of lines is
 * reported with line numbers.
 *
 * @module
 */

/** How the search text was found. */
export type MatchStrategy = "exact" | "whitespace" | "indentation";

/** Result of {@linkcode applyPatch}. */
export type PatchOutcome =
  | { ok: true; content: string; strategy: MatchStrategy; line: number }
  | { ok: false; reason: "empty" | "not_found" | "ambiguous"; message: string };

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split("\n").length;
}

function trimBlankEdges(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && !lines[a]!.trim()) a++;
  while (b > a && !lines[b - 1]!.trim()) b--;
  return lines.slice(a, b);
}

const indentOf = (line: string) => line.match(/^\s*/)![0];

/** Finds every window of `file` lines equal to `search` under `norm`. */
function windows(file: string[], search: string[], norm: (l: string) => string): number[] {
  const want = search.map(norm);
  const hits: number[] = [];
  for (let i = 0; i + want.length <= file.length; i++) {
    if (want.every((w, k) => norm(file[i + k]!) === w)) hits.push(i);
  }
  return hits;
}

/** Re-indents `replace` by the difference between the file's and the search's first-line indent. */
function reindent(replace: string[], searchFirst: string, fileFirst: string): string[] {
  const from = indentOf(searchFirst);
  const to = indentOf(fileFirst);
  return replace.map((line) => {
    if (!line.trim()) return line;
    if (line.startsWith(from)) return to + line.slice(from.length);
    return to + line.trimStart();
  });
}

function bigrams(s: string): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < s.length - 1; i++) {
    m.set(s.slice(i, i + 2), (m.get(s.slice(i, i + 2)) ?? 0) + 1);
  }
  return m;
}

/** Dice similarity of two lines (whitespace-insensitive), in [0, 1]. */
export function lineSimilarity(a: string, b: string): number {
  const x = a.replace(/\s+/g, "");
  const y = b.replace(/\s+/g, "");
  if (x === y) return 1;
  if (x.length < 2 || y.length < 2) return 0;
  const bx = bigrams(x);
  let common = 0;
  for (const [k, n] of bigrams(y)) {
    const have = bx.get(k) ?? 0;
    common += Math.min(have, n);
  }
  return (2 * common) / (x.length - 1 + y.length - 1);
}

/** The best-matching window of `file` for `search`, as a numbered excerpt. */
export function closestLines(
  file: string[],
  search: string[],
): { text: string; score: number } | undefined {
  if (!file.length || !search.length) return undefined;
  const size = Math.min(search.length, file.length);
  let best = 0;
  let bestScore = -1;
  for (let i = 0; i + size <= file.length; i++) {
    let s = 0;
    for (let k = 0; k < size; k++) s += lineSimilarity(file[i + k]!, search[k]!);
    if (s > bestScore) [best, bestScore] = [i, s];
  }
  const width = String(best + size).length;
  const text = file.slice(best, best + size)
    .map((l, k) => `${String(best + k + 1).padStart(width)}| ${l}`).join("\n");
  return { text, score: bestScore / search.length };
}

/** A match found in the LF-normalised text: the new text, how it matched, its 1-based line. */
type Match = { out: string; strategy: MatchStrategy; line: number };

/** The exact match of `s` in `text` when it occurs once; an ambiguity when more; undefined when none. */
function exactMatch(text: string, s: string, r: string): Match | PatchOutcome | undefined {
  const first = text.indexOf(s);
  if (first < 0) return undefined;
  const second = text.indexOf(s, first + 1);
  if (second < 0) {
    return {
      out: text.slice(0, first) + r + text.slice(first + s.length),
      strategy: "exact",
      line: lineOf(text, first),
    };
  }
  const lines: number[] = [];
  for (let i = first; i >= 0 && lines.length < 10; i = text.indexOf(s, i + 1)) {
    lines.push(lineOf(text, i));
  }
  return ambiguous(lines);
}

/** A match line by line, ignoring trailing whitespace, then indentation (re-indenting the replacement). */
function looseMatch(text: string, s: string, r: string): Match | PatchOutcome {
  const fileLines = text.split("\n");
  const searchLines = trimBlankEdges(s.split("\n"));
  const replaceLines = trimBlankEdges(r.split("\n"));
  const strategies: [MatchStrategy, (l: string) => string][] = [
    ["whitespace", (l) => l.trimEnd()],
    ["indentation", (l) => l.trim().replace(/\s+/g, " ")],
  ];
  for (const [strategy, norm] of strategies) {
    const hits = windows(fileLines, searchLines, norm);
    if (hits.length > 1) return ambiguous(hits.map((h) => h + 1));
    if (hits.length === 1) {
      const at = hits[0]!;
      const newLines = strategy === "indentation"
        ? reindent(replaceLines, searchLines[0]!, fileLines[at]!)
        : replaceLines;
      fileLines.splice(at, searchLines.length, ...newLines);
      return { out: fileLines.join("\n"), strategy, line: at + 1 };
    }
  }
  const near = closestLines(fileLines, searchLines);
  const hint = near && near.score > 0.3
    ? `\nClosest lines (${Math.round(near.score * 100)}% similar):\n${near.text}`
    : "";
  return {
    ok: false,
    reason: "not_found",
    message:
      `search text not found${hint}\nRead the file with file_read and copy the exact lines to replace.`,
  };
}

/**
 * Replaces the single occurrence of `search` in `content` with `replace`.
 *
 * @example
 * ```ts
 * import { applyPatch } from "./patch_match.ts";
 * applyPatch("if x:\n    y = 1\n", "y = 1", "y = 2"); // ok, exact
 * ```
 */
export function applyPatch(content: string, search: string, replace: string): PatchOutcome {
  const crlf = content.includes("\r\n");
  const text = crlf ? content.replaceAll("\r\n", "\n") : content;
  const s = search.replaceAll("\r\n", "\n");
  const r = replace.replaceAll("\r\n", "\n");
  if (!s.trim()) {
    return {
      ok: false,
      reason: "empty",
      message: "search text is empty; use file_write to create or rewrite a file",
    };
  }
  const found = exactMatch(text, s, r) ?? looseMatch(text, s, r);
  if ("ok" in found) return found;
  return {
    ok: true,
    content: crlf ? found.out.replaceAll("\n", "\r\n") : found.out,
    strategy: found.strategy,
    line: found.line,
  };
}

function ambiguous(lines: number[]): PatchOutcome {
  return {
    ok: false,
    reason: "ambiguous",
    message: `search text matches ${lines.length} places (lines ${lines.join(", ")}); ` +
      "include more surrounding lines so it matches exactly one",
  };
}
