/**
 * `lao status`: task counts per status, tokens by role, plan progress.
 * `--json` prints one document; its `tasks` member maps every task status to
 * its count (a stable contract for scripts).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { printable } from "../../config/text_check.ts";
import { listPlanFiles } from "../../pipeline/plan_files.ts";
import { listPlanRefusals } from "../../store/plan_refusals.ts";
import type { Store } from "../../store/store.ts";
import { feedbackFindings } from "../../validate/repair.ts";
import type { CliContext } from "../context.ts";
import { emptyStatus, printStatus, type StatusDocument } from "./status_doc.ts";

export { printStatus, type StatusDocument };

/** What the status needs of the CLI context (the fast path in `fast_path.ts` gives the same). */
export type StatusSource = Pick<CliContext, "loaded" | "store">;

/** The failed tasks (not superseded) with their reason, first feedback line and report. */
function failedTasks(store: Store): StatusDocument["failed"] {
  return store.listByStatus("failed")
    .filter((t) => t.escalation_reason !== "superseded")
    .map((t) => {
      const plan = store.getPlan(t.plan_id);
      const report = plan?.workspace ? join(plan.workspace, "LAO_QUALITY.md") : null;
      return {
        id: t.id,
        title: t.title,
        plan: plan?.filename ?? t.plan_id,
        reason: t.escalation_reason,
        feedback: (t.feedback ?? "").split("\n").find((l) =>
          l.trim() && !l.startsWith("finding_signature")
        ) ??
          "",
        findings: feedbackFindings(t.feedback),
        report: report && existsSync(report) ? report : null,
      };
    });
}

/** Builds the status document. Does not need a model server. */
export function buildStatus(ctx: StatusSource): StatusDocument {
  const { config, configDir, configFile } = ctx.loaded;
  if (!existsSync(config.paths.database)) return emptyStatus(ctx.loaded);
  const store = ctx.store;
  const tasks = store.statusCounts();
  const plans = store.listPlans().map((p) => {
    const c = store.statusCounts(p.id);
    return {
      id: p.id,
      filename: p.filename,
      status: p.status,
      completed: c.completed,
      failed: c.failed,
      total: Object.values(c).reduce((a, b) => a + b, 0),
      workspace: p.workspace,
      branch: p.workspace_kind === "worktree" ? p.branch : null,
      revision: store.revisionCounts(p.id),
    };
  });
  const failed = failedTasks(store);
  const refused = listPlanRefusals(store).map((r) => ({
    file: printable(r.filename),
    path: printable(r.source_path),
    reason: printable(r.reason),
  }));
  const known = new Set([
    ...store.listPlans().map((p) => p.filename),
    ...refused.map((r) => r.file),
  ]);
  const unregistered = listPlanFiles(config.paths.plans).map((f) => basename(f))
    .filter((f) => !known.has(f)).map(printable);
  return {
    tasks,
    total: Object.values(tasks).reduce((a, b) => a + b, 0),
    tokens: store.tokensByRole(),
    plans,
    failed,
    unregistered,
    refused,
    paths: {
      config: configFile,
      config_dir: configDir,
      database: config.paths.database,
      plans: config.paths.plans,
    },
  };
}

/** Runs `lao status`. */
export function statusCommand(ctx: CliContext, opts: { json?: boolean }): number {
  return printStatus(ctx.out, buildStatus(ctx), opts);
}
