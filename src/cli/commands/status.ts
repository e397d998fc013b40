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
import { listPlanFiles } from "../../pipeline/intake.ts";
import { listPlanRefusals } from "../../store/plan_refusals.ts";
import type { Store } from "../../store/store.ts";
import { feedbackFindings } from "../../validate/repair.ts";
import { TASK_STATUSES } from "../../store/task_machine.ts";
import { type Output, style } from "../../ui/output.ts";
import type { CliContext } from "../context.ts";

/** What the status needs of the CLI context (the fast path in `fast_path.ts` gives the same). */
export type StatusSource = Pick<CliContext, "loaded" | "store">;

/** The `status --json` document (stable contract). */
export interface StatusDocument {
  tasks: Record<string, number>;
  total: number;
  tokens: Record<string, { prompt: number; completion: number; calls: number }>;
  plans: {
    id: string;
    filename: string;
    status: string;
    completed: number;
    failed: number;
    total: number;
    /** Where the plan's code is written (its folder, or its git worktree). */
    workspace: string | null;
    /** The plan's branch when it works in a git worktree (`lao/<stem>`), else null. */
    branch: string | null;
    /** Tasks kept from an earlier revision, new in this one, and cancelled by it. */
    revision: { kept: number; new: number; cancelled: number };
  }[];
  /**
   * Failed tasks with why they failed: `reason` is the code, `findings` the
   * problems that caused it (one line each), `report` the plan's full quality
   * report when it exists.
   */
  failed: {
    id: number;
    title: string;
    plan: string;
    reason: string | null;
    feedback: string;
    findings: string[];
    report: string | null;
  }[];
  /** Plan files in the plans folder that no run has registered yet (`lao run` takes them in). */
  unregistered: string[];
  /** Plan files the intake refused, with why (binary, not UTF-8, empty, reserved name, duplicate). */
  refused: { file: string; path: string; reason: string }[];
  paths: { config: string | null; config_dir: string; database: string; plans: string };
}

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
  const dbExists = existsSync(config.paths.database);
  const store = dbExists ? ctx.store : null;
  const tasks = store?.statusCounts() ??
    Object.fromEntries(TASK_STATUSES.map((s) => [s, 0]));
  const plans = (store?.listPlans() ?? []).map((p) => {
    const c = store!.statusCounts(p.id);
    return {
      id: p.id,
      filename: p.filename,
      status: p.status,
      completed: c.completed,
      failed: c.failed,
      total: Object.values(c).reduce((a, b) => a + b, 0),
      workspace: p.workspace,
      branch: p.workspace_kind === "worktree" ? p.branch : null,
      revision: store!.revisionCounts(p.id),
    };
  });
  const failed = store ? failedTasks(store) : [];
  const refused = (store ? listPlanRefusals(store) : []).map((r) => ({
    file: printable(r.filename),
    path: printable(r.source_path),
    reason: printable(r.reason),
  }));
  const known = new Set([
    ...(store?.listPlans() ?? []).map((p) => p.filename),
    ...refused.map((r) => r.file),
  ]);
  const unregistered = listPlanFiles(config.paths.plans).map((f) => basename(f))
    .filter((f) => !known.has(f)).map(printable);
  return {
    tasks,
    total: Object.values(tasks).reduce((a, b) => a + b, 0),
    tokens: store?.tokensByRole() ?? {},
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

/** Prints a status document as `lao status` does; returns the exit code (0). */
export function printStatus(o: Output, doc: StatusDocument, opts: { json?: boolean }): number {
  if (opts.json) {
    o.out(JSON.stringify(doc, null, 2));
    return 0;
  }
  o.out(style(o, "bold", "Tasks"));
  const max = Math.max(1, ...Object.values(doc.tasks));
  for (const [status, n] of Object.entries(doc.tasks)) {
    const bar = "#".repeat(Math.round((n / max) * 30));
    o.out(`  ${status.padEnd(10)} ${String(n).padStart(5)}  ${bar}`);
  }
  o.out(`  ${"total".padEnd(10)} ${String(doc.total).padStart(5)}`);
  o.out(style(o, "bold", "Tokens by role"));
  const roles = Object.entries(doc.tokens);
  if (roles.length === 0) o.out("  (no model calls yet)");
  for (const [role, t] of roles) {
    o.out(
      `  ${role.padEnd(10)} prompt ${t.prompt}  completion ${t.completion}  total ${
        t.prompt + t.completion
      }  (${t.calls} calls)`,
    );
  }
  o.out(style(o, "bold", "Plans"));
  if (doc.plans.length === 0 && doc.unregistered.length === 0 && doc.refused.length === 0) {
    o.out("  (none yet: drop a .md plan into the plans folder)");
  }
  for (const p of doc.plans) {
    const failed = p.failed ? `, ${p.failed} failed` : "";
    o.out(`  ${p.filename} [${p.status}] ${p.completed}/${p.total} done${failed}`);
    if (p.workspace) {
      o.out(`      code in ${p.workspace}${p.branch ? ` (branch ${p.branch})` : ""}`);
    }
    const r = p.revision;
    if (r.kept > 0 || r.cancelled > 0) {
      o.out(`      revision: ${r.kept} kept, ${r.new} new, ${r.cancelled} cancelled`);
    }
  }
  for (const f of doc.unregistered) o.out(`  ${f} [not registered yet: lao run takes it in]`);
  for (const r of doc.refused) o.out(`  ${r.file} [refused: ${r.reason}]`);
  if (doc.failed.length) {
    o.out(style(o, "bold", "Failed tasks") + " (lao retry-failed puts them back)");
    for (const f of doc.failed) {
      const [first, ...more] = f.findings.length ? f.findings : [f.feedback];
      o.out(`  #${f.id} ${f.title} [${f.plan}] ${f.reason ?? "failed"}: ${first ?? ""}`);
      for (const line of more) o.out(`      ${line}`);
      if (f.report) o.out(`      full report: ${f.report}`);
    }
  }
  o.out(style(o, "bold", "Paths"));
  o.out(`  config     ${doc.paths.config ?? "(none: defaults)"}`);
  o.out(`  database   ${doc.paths.database}`);
  o.out(`  plans      ${doc.paths.plans}`);
  o.out(`  projects   ${doc.paths.config_dir}/<plan-stem>/`);
  return 0;
}
