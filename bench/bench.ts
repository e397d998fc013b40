/**
 * `deno task bench`: every benchmark, each reported as ratios against a
 * baseline measured in the same process.
 *
 * @module
 */
import { printChunkingBench } from "./chunking_bench.ts";
import { printPipelineBench } from "./pipeline_bench.ts";

await printPipelineBench();
console.log("");
await printChunkingBench();
console.log("");
await import("./models_bench.ts");
