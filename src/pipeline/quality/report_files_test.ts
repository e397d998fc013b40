import assert from "node:assert/strict";
import { join } from "node:path";
import { buildQualityReport } from "./quality_report.ts";
import { writeReports } from "./report_files.ts";
import { sampleInput } from "../../../testing/quality_fixture.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lao_reports_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("writeReports() writes the JSON and Markdown reports and no temp files", async () => {
  await withTempDir(async (dir) => {
    const report = buildQualityReport(sampleInput());
    const result = await writeReports(dir, report);
    assert.deepEqual(result.written, [
      join(dir, "quality_report.json"),
      join(dir, "LAO_QUALITY.md"),
    ]);
    const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    assert.deepEqual(names, ["LAO_QUALITY.md", "quality_report.json"]);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(join(dir, "quality_report.json"))), report);
  });
});

Deno.test("writeReports() does not rewrite reports whose plan did not change", async () => {
  await withTempDir(async (dir) => {
    await writeReports(dir, buildQualityReport(sampleInput()));
    const before = (await Deno.stat(join(dir, "quality_report.json"))).mtime;
    const again = await writeReports(dir, buildQualityReport(sampleInput()));
    assert.deepEqual(again.written, []);
    assert.equal(again.unchanged.length, 2);
    assert.deepEqual((await Deno.stat(join(dir, "quality_report.json"))).mtime, before);
  });
});

Deno.test("writeReports() rewrites a report when the plan changed or changedOnly is false", async () => {
  await withTempDir(async (dir) => {
    const input = sampleInput();
    await writeReports(dir, buildQualityReport(input));
    input.tasks = input.tasks.map((t) => ({ ...t, status: "completed" as const }));
    const changed = await writeReports(dir, buildQualityReport(input));
    assert.equal(changed.written.length, 2);
    const forced = await writeReports(dir, buildQualityReport(input), { changedOnly: false });
    assert.equal(forced.written.length, 2);
    const saved = JSON.parse(await Deno.readTextFile(join(dir, "quality_report.json")));
    assert.equal(saved.task_counts.completed, 2);
  });
});
