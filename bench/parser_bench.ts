/**
 * Parser throughput over the corpus of real-world model replies: every case
 * through the parser LAO uses for it (architect lists, verdicts, text tool
 * calls, JSON), as milliseconds per megabyte of replies.
 *
 * @module
 */
import { check, readCases } from "../tests/corpus/corpus_cases.ts";
import { type Stat, timeRuns } from "./stats.ts";

/** Times parsing the whole corpus `runs` times; ms per MB of reply text. */
export async function benchParsers(runs: number): Promise<{ cases: number; msPerMb: Stat }> {
  const cases = readCases(new URL("../tests/corpus/cases/", import.meta.url));
  const bytes = cases.reduce((n, c) => n + c.reply.length + c.reasoning.length, 0);
  const t = await timeRuns(runs, () => {
    for (const c of cases) check(c);
  });
  const mb = bytes / 1024 / 1024;
  return {
    cases: cases.length,
    msPerMb: { median: t.median / mb, min: t.min / mb, max: t.max / mb, runs: t.runs },
  };
}
