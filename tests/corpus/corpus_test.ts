/**
 * Runs every model-reply fixture in `cases/` through its parser and compares
 * the result with the fixture's expectation (format: see `corpus_cases.ts`).
 */
import assert from "node:assert/strict";
import { check, readCases } from "./corpus_cases.ts";

const cases = readCases(new URL("./cases/", import.meta.url));

Deno.test("the corpus holds at least 40 real-world model replies", () => {
  assert.ok(cases.length >= 40, `only ${cases.length} cases`);
});

for (const c of cases) {
  Deno.test(`corpus: ${c.kind} reply "${c.name.replace(/\.txt$/, "")}" parses as expected`, () =>
    check(c));
}
