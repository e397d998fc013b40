/**
 * Writes `quality_report.json` and `LAO_QUALITY.md` into a plan folder,
 * atomically (temp file + rename), and only when the content changed, so
 * unchanged plans leave no diff for the next git commit. Both the read-back
 * and the write go through the guarded workspace I/O: a FIFO, a device or a
 * link planted under a report's name is never opened or followed, only
 * replaced.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { WorkspaceError } from "../../workspace/workspace_fs.ts";
import { type WorkspaceIo, workspaceIo } from "../../workspace/guarded_io.ts";
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
  /** The workspace's guarded I/O (default: the folder `dir` on disk). */
  io?: WorkspaceIo;
}

/** Which report files were written and which were already up to date. */
export interface WriteReportsResult {
  written: string[];
  unchanged: string[];
  /** Entries that were not LAO's plain files (e.g. `quality_report.json (a FIFO)`), now replaced. */
  replaced: string[];
}

/**
 * The current text of `name` when it is LAO's plain file of exactly
 * `expected`'s size or less; null otherwise (missing, planted, larger).
 */
async function currentText(
  io: WorkspaceIo,
  name: string,
  expected: string,
): Promise<string | null> {
  try {
    return await io.readText(name, { maxBytes: new TextEncoder().encode(expected).length });
  } catch (err) {
    if (err instanceof WorkspaceError) return null;
    throw err;
  }
}

/** Writes `content` to `path` via a temp file in the same folder and a rename (never through a link). */
export async function writeAtomic(path: string, content: string): Promise<void> {
  await workspaceIo(dirname(path)).writeText(basename(path), content);
}

/** The report serialised as written to disk. */
export function serializeReport(report: QualityReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * Writes both report files into `dir` (which must exist) through its guarded
 * workspace I/O (`options.io`, else the disk, which needs read and write
 * permission for `dir`). Throws a `WorkspaceError` when a report cannot
 * be written (e.g. a folder sits under its name).
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
  const io = options.io ?? workspaceIo(dir);
  const result: WriteReportsResult = { written: [], unchanged: [], replaced: [] };
  for (const [name, content] of files) {
    const path = join(dir, name);
    if (options.changedOnly !== false && (await currentText(io, name, content)) === content) {
      result.unchanged.push(path);
      continue;
    }
    const done = await io.writeText(name, content);
    if (done.replaced) result.replaced.push(`${name} (${done.replaced})`);
    result.written.push(path);
  }
  return result;
}
