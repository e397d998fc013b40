/**
 * `lao report [list|check|migrate] [--file PATH]`: finds every plan's
 * `quality_report.json` (in the plan workspaces, where they are written) and
 * checks or migrates their schema.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UserError } from "../../errors.ts";
import { checkReport, migrateReport } from "../../pipeline/quality/report_schema.ts";
import { writeAtomic } from "../../pipeline/quality/report_files.ts";
import { workspaceIo } from "../../workspace/guarded_io.ts";
import type { CliContext } from "../context.ts";

function reportFiles(ctx: CliContext, file?: string): string[] {
  if (file) return [resolve(ctx.deps.cwd, file)];
  const plans = existsSync(ctx.loaded.config.paths.database) ? ctx.store.listPlans() : [];
  const seen = new Set<string>();
  for (const p of plans) {
    if (p.workspace) seen.add(join(p.workspace, "quality_report.json"));
  }
  return [...seen].filter((f) => existsSync(f));
}

/** Runs `lao report`. */
export async function reportCommand(
  ctx: CliContext,
  action: string | undefined,
  opts: { file?: string; json?: boolean },
): Promise<number> {
  const files = reportFiles(ctx, opts.file);
  const act = action ?? "list";
  if (!["list", "check", "migrate"].includes(act)) {
    throw new UserError(`Unknown report action "${act}": use list, check or migrate`);
  }
  if (files.length === 0) {
    throw new UserError(
      opts.file
        ? `Cannot read report "${opts.file}": file not found`
        : "No quality reports yet: run `lao run` first",
      1,
    );
  }
  let worst = 0;
  for (const f of files) {
    let data: unknown;
    try {
      // Guarded read: a report planted as a FIFO, device or link is refused, not opened.
      data = JSON.parse(await workspaceIo(dirname(f)).readText(basename(f)));
    } catch (err) {
      throw new UserError(`Cannot read report "${f}": ${(err as Error).message}`, 1);
    }
    if (act === "list") {
      const r = data as {
        plan_id?: string;
        task_counts?: { total: number; completed: number; failed: number };
      };
      const c = r.task_counts;
      ctx.out.out(
        `${f}  plan ${r.plan_id ?? "?"}  ${
          c ? `${c.completed}/${c.total} completed, ${c.failed} failed` : ""
        }`,
      );
      const md = f.replace(/quality_report\.json$/, "LAO_QUALITY.md");
      if (existsSync(md)) ctx.out.out(`  ${md}`);
    } else if (act === "check") {
      const result = checkReport(data);
      ctx.out.out(`${f}: ${result.reason}`);
      if (!result.ok) worst = 2;
    } else {
      const { report, changed } = migrateReport(data);
      if (changed) await writeAtomic(f, `${JSON.stringify(report, null, 2)}\n`);
      ctx.out.out(`${f}: ${changed ? "migrated" : "already current"}`);
    }
  }
  return worst;
}
