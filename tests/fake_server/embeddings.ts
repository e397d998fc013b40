/**
 * Deterministic embeddings for the fake server: a hashed bag of words,
 * L2-normalised, so similar texts get similar vectors.
 *
 * @module
 */

/** Vector size of fake embeddings. */
export const FAKE_EMBEDDING_DIM = 64;

function hash(word: string): number {
  let h = 2166136261;
  for (let i = 0; i < word.length; i++) {
    h ^= word.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** Embeds one text. */
export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(FAKE_EMBEDDING_DIM).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9_]+/g) ?? []) {
    const h = hash(word);
    const slot = h % FAKE_EMBEDDING_DIM;
    vector[slot] = (vector[slot] ?? 0) + ((h >>> 16) & 1 ? 1 : -1);
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((v) => v / norm);
}
