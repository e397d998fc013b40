/**
 * The reduced bench's checks (`deno task bench --ci`, and `bench/ci_test.ts`
 * in `deno task test`): on the ten-task plan, model loads may never exceed
 * the dependency graph's lower bound, and prompt tokens per task may not grow
 * past the committed reference (`bench/ci_reference.json`) by more than its
 * tolerance.
 *
 * @module
 */
import type { BenchResults } from "./results.ts";

/** The committed reference of the CI checks. */
export interface CiReference {
  /** Prompt tokens per task on the ten-task plan when the reference was taken. */
  prompt_tokens_per_task: number;
  /** Allowed growth as a fraction (0.05 = 5%). */
  tolerance: number;
}

/** Reads `bench/ci_reference.json`. */
export async function readCiReference(
  url: URL = new URL("./ci_reference.json", import.meta.url),
): Promise<CiReference> {
  return JSON.parse(await Deno.readTextFile(url)) as CiReference;
}

/** The checks that failed, one line each (empty: all passed). */
export function ciFailures(r: BenchResults, ref: CiReference): string[] {
  const out: string[] = [];
  const loads = r.figures["ten.loads_over_lower_bound"];
  if (!loads) out.push("ten-task plan: no load figure");
  else if (loads.value.max > 1) {
    out.push(
      `ten-task plan: model loads exceed the lower bound (worst run ${
        loads.value.max.toFixed(2)
      }x the bound)`,
    );
  }
  const prompt = r.figures["ten.prompt_tokens_per_task"];
  const ceiling = ref.prompt_tokens_per_task * (1 + ref.tolerance);
  if (!prompt) out.push("ten-task plan: no prompt-token figure");
  else if (prompt.value.median > ceiling) {
    out.push(
      `ten-task plan: ${prompt.value.median.toFixed(0)} prompt tokens per task, more than the ` +
        `reference ${ref.prompt_tokens_per_task} + ${ref.tolerance * 100}% (${ceiling.toFixed(0)})`,
    );
  }
  return out;
}
