import assert from "node:assert/strict";
import { MalformedResponseError } from "./errors.ts";
import { parseEmbeddingReply } from "./embedding_reply.ts";

Deno.test("embedding vectors come back in input order, whatever order the server lists them", () => {
  const reply = JSON.stringify({
    data: [{ index: 1, embedding: [3, "4"] }, { index: 0, embedding: [1, 2] }],
  });
  assert.deepEqual(parseEmbeddingReply(reply, "e", 2), [[1, 2], [3, 4]]);
});

Deno.test("an embedding reply with too few vectors, or not JSON, names the model", () => {
  const short = JSON.stringify({ data: [{ index: 0, embedding: [1] }] });
  assert.throws(
    () => parseEmbeddingReply(short, "emb", 2),
    (e) =>
      e instanceof MalformedResponseError && /"emb" returned 1 vectors for 2 texts/.test(e.message),
  );
  assert.throws(
    () => parseEmbeddingReply("<html>", "emb", 1),
    (e) => e instanceof MalformedResponseError && /"emb" is not JSON: "<html>"/.test(e.message),
  );
});
