/**
 * `deno task bench`: the bench suite. Writes `bench/results.json` (schema in
 * `bench/README.md`) and prints a table; every figure is the median of its
 * runs with min and max, and a ratio to a baseline measured in the same
 * invocation.
 *
 * Usage: `deno task bench [--runs N] [--ci] [--out FILE] [--compare OLD.json]
 * [--tolerance-time F] [--tolerance-count F]`
 *
 * - `--ci`: the reduced bench (ten-task plan, 3 runs); exits 1 when model
 *   loads exceed the lower bound or prompt tokens per task grow past
 *   `bench/ci_reference.json`'s tolerance.
 * - `--compare OLD.json`: prints new/old per figure and exits 1 when one grew
 *   past the tolerance (counts +5%, times +50% of their ratio to the baseline).
 *
 * @module
 */
import { ciFailures, readCiReference } from "./ci.ts";
import {
  type BenchResults,
  compareResults,
  DEFAULT_TOLERANCE,
  renderComparison,
  renderTable,
  type Tolerance,
} from "./results.ts";
import { runSuite } from "./suite.ts";

/** Parsed command line. */
export interface BenchArgs {
  ci: boolean;
  runs: number;
  out: string | null;
  compare: string | null;
  tolerance: Tolerance;
}

/** Parses `args`; throws one line on a bad argument. */
export function parseArgs(args: string[]): BenchArgs {
  const parsed: BenchArgs = {
    ci: false,
    runs: 0,
    out: null,
    compare: null,
    tolerance: { ...DEFAULT_TOLERANCE },
  };
  let outGiven = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a}: a value is missing`);
      return v;
    };
    const fraction = () => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a}: expected a fraction >= 0`);
      return v;
    };
    if (a === "--ci") parsed.ci = true;
    else if (a === "--runs") {
      parsed.runs = Number(value());
      if (!Number.isInteger(parsed.runs) || parsed.runs < 1) {
        throw new Error("--runs: expected a whole number >= 1");
      }
    } else if (a === "--out") {
      parsed.out = value();
      outGiven = true;
    } else if (a === "--compare") parsed.compare = value();
    else if (a === "--tolerance-time") parsed.tolerance.time = fraction();
    else if (a === "--tolerance-count") parsed.tolerance.count = fraction();
    else throw new Error(`unknown argument "${a}" (see bench/README.md)`);
  }
  if (!parsed.runs) parsed.runs = parsed.ci ? 3 : 5;
  if (!outGiven && !parsed.ci) {
    parsed.out = new URL("./results.json", import.meta.url).pathname;
  }
  return parsed;
}

/** Runs the bench with `args`; returns the exit code. */
export async function benchMain(args: string[]): Promise<number> {
  let opts: BenchArgs;
  try {
    opts = parseArgs(args);
  } catch (err) {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  let older: BenchResults | null = null;
  if (opts.compare) {
    try {
      older = JSON.parse(await Deno.readTextFile(opts.compare)) as BenchResults;
    } catch (err) {
      console.error(`bench: Cannot read ${opts.compare}: ${(err as Error).message}`);
      return 2;
    }
  }
  const results = await runSuite({
    mode: opts.ci ? "ci" : "full",
    runs: opts.runs,
    progress: (line) => console.error(`bench: ${line}`),
  });
  if (opts.out) await Deno.writeTextFile(opts.out, JSON.stringify(results, null, 2) + "\n");
  console.log(renderTable(results));
  let code = 0;
  if (opts.ci) {
    const failures = ciFailures(results, await readCiReference());
    for (const f of failures) console.log(`CI check failed: ${f}`);
    if (failures.length) code = 1;
    else console.log("CI checks passed: loads at the lower bound, prompt tokens within tolerance");
  }
  if (older) {
    const rows = compareResults(older, results, opts.tolerance);
    console.log("");
    console.log(renderComparison(rows, opts.tolerance));
    if (rows.some((r) => r.regressed)) code = 1;
  }
  return code;
}

if (import.meta.main) Deno.exit(await benchMain(Deno.args));
