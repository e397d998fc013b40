/**
 * Regenerates `testing/test_weights.json`: for each test file, the seconds
 * its tests took in one whole run of the suite, run as `deno task test`
 * runs it (the shards side by side, on the same scratch folder), so the
 * weights carry the slowdown each file meets beside the others.
 * `testing/shards.ts` splits the suite into shards of equal weight with
 * them. A failing test is still weighed.
 *
 * Usage: `deno run --allow-read --allow-write --allow-run=deno,python3,bwrap --allow-env tools/test_weights.ts`
 *
 * @module
 */
import { join } from "node:path";
import { testFiles } from "../testing/shards.ts";
import { interpreterPath, runTests } from "./check_and_test.ts";

/**
 * Seconds per test file from a JUnit report of `deno test`: the sum of its
 * test cases' times, by the file each case was declared in (`classname`,
 * without its leading `./`), rounded to hundredths.
 */
export function weightsFromJunit(xml: string): Record<string, number> {
  const sums = new Map<string, number>();
  for (const m of xml.matchAll(/<testcase\b[^>]*>/g)) {
    const file = /\bclassname="\.\/([^"]+)"/.exec(m[0])?.[1];
    const time = Number(/\btime="([0-9.]+)"/.exec(m[0])?.[1]);
    if (file && Number.isFinite(time)) sums.set(file, (sums.get(file) ?? 0) + time);
  }
  return Object.fromEntries(
    [...sums].sort(([a], [b]) => a < b ? -1 : 1).map(([f, t]) => [f, Math.round(t * 100) / 100]),
  );
}

if (import.meta.main) {
  const root = new URL("../", import.meta.url).pathname;
  const report = await Deno.makeTempFile({ prefix: "lao_weights_", suffix: ".xml" });
  try {
    const path = await interpreterPath(Deno.env.get("PATH") ?? "");
    await runTests({ PATH: path }, ["--reporter=dot", `--junit-path=${report}`]);
    const measured = weightsFromJunit(await Deno.readTextFile(report));
    const weights: Record<string, number> = {};
    for (const file of await testFiles(root)) weights[file] = measured[file] ?? 0;
    await Deno.writeTextFile(
      join(root, "testing", "test_weights.json"),
      JSON.stringify(weights, null, 2) + "\n",
    );
    console.error(`weighed ${Object.keys(weights).length} test files`);
  } finally {
    await Deno.remove(report).catch(() => {});
  }
}
