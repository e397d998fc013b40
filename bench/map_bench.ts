/**
 * The code map's cost (issue 15): building the map of a 500-file fixture in
 * five languages, and updating it after one file changed (as after a task's
 * commit), each as a ratio to just reading every file once.
 *
 * Run alone: `deno run -P=lao-test bench/map_bench.ts`; `mapBench()` returns
 * the figures for a suite.
 *
 * @module
 */
import { join } from "node:path";
import { listSourceFiles, updateMap } from "../src/codemap/map.ts";
import { defaultConfig } from "../src/config/defaults.ts";
import { cl100k } from "../src/llm/tokens.ts";
import { codeMapText } from "../src/pipeline/revision.ts";
import { writeCodeBase } from "../tests/existing_repo/map_fixture.ts";

/** Milliseconds for build, update and reading, and the two ratios. */
export interface MapBenchResult {
  files: number;
  readMs: number;
  buildMs: number;
  updateMs: number;
  buildRatio: number;
  updateRatio: number;
  /** Tokens of the map the architect gets with the default planner settings. */
  architectMapTokens: number;
  /** The planner's prompt budget (context × utilization − max_completion) the map must fit in. */
  architectPromptBudget: number;
}

/** Measures the map on a fresh `files`-file fixture (median of `runs`). */
export async function mapBench(files = 500, runs = 5): Promise<MapBenchResult> {
  const dir = await Deno.makeTempDir({ prefix: "lao_map_bench_" });
  try {
    await writeCodeBase(dir, files);
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const time = async (fn: () => Promise<unknown>) => {
      const t = performance.now();
      await fn();
      return performance.now() - t;
    };
    const read: number[] = [];
    const build: number[] = [];
    const update: number[] = [];
    for (let r = 0; r < runs; r++) {
      read.push(
        await time(async () => {
          for (const p of await listSourceFiles(dir)) await Deno.readTextFile(join(dir, p));
        }),
      );
      let built = { map: { version: 1 as const, files: {} } } as Awaited<
        ReturnType<typeof updateMap>
      >;
      build.push(await time(async () => (built = await updateMap(dir))));
      await Deno.writeTextFile(join(dir, "src/m0/f1.ts"), `export function changed${r}() {}\n`);
      update.push(await time(() => updateMap(dir, built.map)));
    }
    // What the architect gets: the map within its share of the default planner's prompt budget.
    const config = defaultConfig(dir);
    const count = await cl100k();
    const planner = config.models.planner;
    const architectPromptBudget = Math.floor(
      planner.context_length * config.orchestration.max_context_utilization,
    ) - planner.max_completion;
    const mapText = await codeMapText(
      { config, configDir: dir, count },
      dir,
      "Add a retry option to the m0 client and use it in m1",
    );
    const architectMapTokens = count(mapText);
    const readMs = median(read);
    const buildMs = median(build);
    const updateMs = median(update);
    return {
      files,
      readMs,
      buildMs,
      updateMs,
      buildRatio: buildMs / readMs,
      updateRatio: updateMs / readMs,
      architectMapTokens,
      architectPromptBudget,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const r = await mapBench();
  console.log(
    `code map, ${r.files} files: read ${r.readMs.toFixed(1)} ms; build ${
      r.buildMs.toFixed(1)
    } ms ` +
      `(${r.buildRatio.toFixed(2)}× reading); update after one change ${
        r.updateMs.toFixed(1)
      } ms ` +
      `(${r.updateRatio.toFixed(2)}× reading); architect map ${r.architectMapTokens} tokens of a ` +
      `${r.architectPromptBudget}-token planner prompt budget`,
  );
}
