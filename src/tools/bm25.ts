/**
 * A small BM25 ranker for code search: identifiers are split on camelCase,
 * snake_case and punctuation, so `getUserName` matches "user name".
 *
 * @module
 */

/** One document to rank. */
export interface Bm25Doc {
  id: string;
  text: string;
}

/** A ranked document. */
export interface Ranked {
  id: string;
  score: number;
}

/** Splits text into lower-case terms (identifiers broken into words). */
export function tokenize(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 1);
}

/**
 * Ranks `docs` for `query` with BM25 (k1 = 1.2, b = 0.75); documents with
 * score 0 are left out.
 *
 * @example
 * ```ts
 * import { rankBm25 } from "./bm25.ts";
 * rankBm25("user name", [{ id: "a", text: "getUserName()" }, { id: "b", text: "render()" }]);
 * // [{ id: "a", score: ... }]
 * ```
 */
export function rankBm25(query: string, docs: readonly Bm25Doc[], k1 = 1.2, b = 0.75): Ranked[] {
  const terms = [...new Set(tokenize(query))];
  if (!terms.length || !docs.length) return [];
  const tfs = docs.map((d) => {
    const tf = new Map<string, number>();
    const tokens = tokenize(d.text);
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    return { tf, len: tokens.length };
  });
  const avg = tfs.reduce((s, d) => s + d.len, 0) / docs.length || 1;
  const idf = new Map(terms.map((t) => {
    const n = tfs.filter((d) => d.tf.has(t)).length;
    return [t, Math.log(1 + (docs.length - n + 0.5) / (n + 0.5))];
  }));
  return docs
    .map((d, i) => {
      const { tf, len } = tfs[i]!;
      let score = 0;
      for (const t of terms) {
        const f = tf.get(t) ?? 0;
        if (f) score += idf.get(t)! * (f * (k1 + 1)) / (f + k1 * (1 - b + b * len / avg));
      }
      return { id: d.id, score };
    })
    .filter((r) => r.score > 0)
    .sort((x, y) => y.score - x.score || x.id.localeCompare(y.id));
}
