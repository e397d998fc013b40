/**
 * The last two steps of `deno task test`, side by side: the type check
 * (`deno check` of every folder) and the test suite (`deno test --no-check`,
 * the two shards of `testing/shards.ts`). The suite leaves about a third of
 * the machine's two cores idle (tests waiting on terminals, timeouts and child
 * processes), which the single-threaded type check fills: together they take
 * about as long as the tests alone. The tests' output streams as usual; the
 * type check's comes after it. Exit 1 when either fails.
 *
 * Usage: `deno run --allow-run=deno tools/check_and_test.ts`
 *
 * @module
 */

/** The folders `deno check` covers: every TypeScript file of the repository but fixtures. */
export const CHECKED = ["main.ts", "src", "tests", "bench", "tools", "testing"] as const;

/** The test command's arguments (the suite as its two shards). */
export const TEST_ARGS = [
  "test",
  "-P=lao-test",
  "--parallel",
  "--no-check",
  "testing/shard_1.ts",
  "testing/shard_2.ts",
] as const;

/** Runs both; resolves to the exit code (0 when both passed). */
export async function checkAndTest(): Promise<number> {
  const check = new Deno.Command("deno", {
    args: ["check", "-q", ...CHECKED],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const tests = await new Deno.Command("deno", { args: [...TEST_ARGS] }).spawn().status;
  const checked = await check;
  const decoder = new TextDecoder();
  const report = (decoder.decode(checked.stdout) + decoder.decode(checked.stderr)).trim();
  if (report) console.error(report);
  console.error(checked.success ? "deno check: ok" : "deno check: FAILED");
  return tests.success && checked.success ? 0 : 1;
}

if (import.meta.main) Deno.exit(await checkAndTest());
