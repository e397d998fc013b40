/**
 * Regenerates `testing/test_weights.json`, the seconds each test file takes
 * when run alone, which `testing/shards.ts` uses to split the suite into
 * shards of equal length. Runs every test file once, one after another
 * (a few minutes); a failing file is still weighed.
 *
 * Usage: `deno run --allow-read --allow-write=testing --allow-run=deno tools/test_weights.ts`
 *
 * @module
 */
import { join } from "node:path";
import { testFiles } from "../testing/shards.ts";

const root = new URL("../", import.meta.url).pathname;
const weights: Record<string, number> = {};
const files = await testFiles(root);
for (const [i, file] of files.entries()) {
  const start = performance.now();
  await new Deno.Command("deno", {
    args: ["test", "-q", "-P=lao-test", "--no-check", file],
    cwd: root,
    stdout: "null",
    stderr: "null",
  }).output();
  weights[file] = Math.round((performance.now() - start) / 10) / 100;
  console.error(`${i + 1}/${files.length} ${weights[file]} s ${file}`);
}
await Deno.writeTextFile(
  join(root, "testing", "test_weights.json"),
  JSON.stringify(weights, null, 2) + "\n",
);
