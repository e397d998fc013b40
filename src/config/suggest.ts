/**
 * "Did you mean" suggestions by edit distance.
 *
 * @module
 */

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Largest distance a suggestion may have, given the word and the best candidate. */
export type SuggestionLimit = (word: string, best: string) => number;

/** A third of the longer string, minimum 2: for config keys. */
export const KEY_LIMIT: SuggestionLimit = (word, best) =>
  Math.max(2, Math.floor(Math.max(word.length, best.length) / 3));

/**
 * Returns the candidate closest to `word` (case-insensitive), or undefined
 * when none is within `limit` (default {@linkcode KEY_LIMIT}).
 */
export function closest(
  word: string,
  candidates: Iterable<string>,
  limit: SuggestionLimit = KEY_LIMIT,
): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  return bestDistance <= limit(word, best) ? best : undefined;
}
