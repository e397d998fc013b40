/**
 * The reply of `/v1/embeddings`: one vector per input text, in input order.
 *
 * @module
 */
import { MalformedResponseError } from "./errors.ts";

/**
 * The vectors in `text` (the reply body) ordered by their `index`; a reply
 * that is not JSON or does not hold one vector per text is a
 * `MalformedResponseError`.
 */
export function parseEmbeddingReply(text: string, model: string, count: number): number[][] {
  let reply: { data?: { index?: number; embedding?: unknown }[] };
  try {
    reply = JSON.parse(text);
  } catch {
    throw new MalformedResponseError(
      `Embedding reply of model "${model}" is not JSON: ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
  const rows = Array.isArray(reply?.data) ? [...reply.data] : [];
  rows.sort((a, b) => Number(a.index ?? 0) - Number(b.index ?? 0));
  if (rows.length !== count || rows.some((r) => !Array.isArray(r.embedding))) {
    throw new MalformedResponseError(
      `Embedding model "${model}" returned ${rows.length} vectors for ${count} texts`,
    );
  }
  return rows.map((row) => (row.embedding as unknown[]).map(Number));
}
