import assert from "node:assert/strict";
import { ciFailures, readCiReference } from "./ci.ts";
import { compareResults } from "./results.ts";
import { runSuite } from "./suite.ts";

Deno.test("the reduced bench: ten-task plan loads stay at the lower bound and prompt tokens within the reference", async () => {
  // One run: on the scripted session both figures are the same in every run (three runs
  // gave min = median = max), so repeats only cost time; `deno task bench --ci` still repeats.
  const results = await runSuite({ mode: "ci", runs: 1 });
  assert.equal(results.figures["ten.prompt_tokens_per_task"]!.value.runs, 1);
  assert.deepEqual(ciFailures(results, await readCiReference()), []);
  // A run compared with itself regresses nothing; tokens grown by a tenth do.
  assert.ok(compareResults(results, results).every((r) => !r.regressed));
  const grown = structuredClone(results);
  const f = grown.figures["ten.prompt_tokens_per_task"]!;
  f.value = { ...f.value, median: f.value.median * 1.1 };
  const rows = compareResults(results, grown);
  assert.ok(rows.find((r) => r.id === "ten.prompt_tokens_per_task")!.regressed);
  assert.ok(
    ciFailures(grown, { prompt_tokens_per_task: f.value.median / 1.1, tolerance: 0.05 })
      .some((line) => line.includes("prompt tokens per task")),
  );
});
