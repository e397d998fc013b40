/**
 * One corpus per local model family (`families/<family>/*.txt`, same fixture
 * format as `cases/`): the text tool-call, verdict and task-list conventions
 * of each family's published chat template, and the mangled forms its
 * models write, must be acted on right the first time.
 */
import assert from "node:assert/strict";
import { check, readCases } from "./corpus_cases.ts";

/** The families LAO supports in text, each with its own corpus folder. */
const FAMILIES = [
  "qwen",
  "qwen3_coder",
  "llama",
  "mistral",
  "harmony",
  "deepseek",
  "hermes",
  "gemma",
] as const;

for (const family of FAMILIES) {
  Deno.test(`family corpus: ${family} replies are acted on as expected`, async (t) => {
    const cases = readCases(new URL(`./families/${family}/`, import.meta.url));
    assert.ok(cases.length >= 4, `${family}: only ${cases.length} cases`);
    for (const c of cases) {
      await t.step(`${c.kind}: ${c.name.replace(/\.txt$/, "")}`, () => check(c));
    }
  });
}
