import assert from "node:assert/strict";
import { assignShards, DEFAULT_WEIGHT, testFiles } from "./shards.ts";

Deno.test("every test file lands in exactly one shard, and the shards weigh about the same", () => {
  const files = ["a_test.ts", "b_test.ts", "c_test.ts", "d_test.ts", "e_test.ts", "new_test.ts"];
  const weights = {
    "a_test.ts": 5,
    "b_test.ts": 3,
    "c_test.ts": 2,
    "d_test.ts": 2,
    "e_test.ts": 1,
  };
  const shards = assignShards(files, weights, 2);
  assert.deepEqual(shards.flat().sort(), files);
  const weigh = (s: string[]) =>
    s.reduce((a, f) => a + (weights[f as keyof typeof weights] ?? DEFAULT_WEIGHT), 0);
  const [one, two] = shards.map(weigh) as [number, number];
  assert.ok(Math.abs(one - two) <= 1, `${one} vs ${two}`);
  // Each shard imports its heaviest files first (a file without a weight counts the default),
  // and the split does not depend on input order.
  assert.deepEqual(shards, [
    ["a_test.ts", "d_test.ts"],
    ["b_test.ts", "c_test.ts", "e_test.ts", "new_test.ts"],
  ]);
  assert.deepEqual(assignShards([...files].reverse(), weights, 2), shards);
});

Deno.test("the shards cover the repository's test files, this one included", async () => {
  const root = new URL("../", import.meta.url).pathname;
  const files = await testFiles(root);
  assert.ok(files.includes("testing/shards_test.ts"));
  assert.ok(files.every((f) => f.endsWith("_test.ts") && !f.includes("testdata/")));
  const shards = assignShards(files, {}, 2);
  assert.equal(shards.flat().length, files.length);
  assert.equal(new Set(shards.flat()).size, files.length);
});
