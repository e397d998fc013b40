/**
 * Writes `quality_report.json` and `LAO_QUALITY.md` into a plan folder,
 * atomically (temp file + rename), and only when the content changed, so
 * unchanged plans leave no diff for the next git commit (spec §11 item 20).
 *
 * @module
 */
import { join } from "node:path";
import type { QualityReport } from "./quality_report.ts";
import { renderQualityMarkdown } from "./quality_markdown.ts";

/** File name of the JSON report. */
export const REPORT_JSON_NAME = "quality_report.json";
/** File name of the human report. */
export const REPORT_MARKDOWN_NAME = "LAO_QUALITY.md";

/** Options of {@linkcode writeReports}. */
export interface WriteReportsOptions {
  /** Skip files whose content is already identical (default true). */
  changedOnly?: boolean;
}

/** Which report files were written and which were already up to date. */
export interface WriteReportsResult {
  written: string[];
  unchanged: string[];
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

/** Writes `content` to `path` via a temp file in the same folder and a rename. */
export async function writeAtomic(path: string, content: string): Promise<void> {
  const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeTextFile(temp, content);
    await Deno.rename(temp, path);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw err;
  }
}

/** The report serialised as written to disk. */
export function serializeReport(report: QualityReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * Writes both report files into `dir` (which must exist). Requires read and
 * write permission for `dir`.
 */
export async function writeReports(
  dir: string,
  report: QualityReport,
  options: WriteReportsOptions = {},
): Promise<WriteReportsResult> {
  const files: [string, string][] = [
    [REPORT_JSON_NAME, serializeReport(report)],
    [REPORT_MARKDOWN_NAME, renderQualityMarkdown(report)],
  ];
  const result: WriteReportsResult = { written: [], unchanged: [] };
  for (const [name, content] of files) {
    const path = join(dir, name);
    if (options.changedOnly !== false && (await readIfExists(path)) === content) {
      result.unchanged.push(path);
      continue;
    }
    await writeAtomic(path, content);
    result.written.push(path);
  }
  return result;
}
