/**
 * The `lao status` document and its printing, and the document of a project
 * with no database yet (no store loaded: the CLI's fast path uses it).
 *
 * @module
 */
import { basename } from "node:path";
import type { LoadedConfig } from "../../config/load_core.ts";
import { printable } from "../../config/text_check.ts";
import { TASK_STATUSES } from "../../domain/status.ts";
import { listPlanFiles } from "../../pipeline/plan_files.ts";
import { type Output, style } from "../../ui/output.ts";

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

/** The status of a project with no database yet: zero tasks, the plan files waiting. */
export function emptyStatus(
  loaded: Pick<LoadedConfig, "config" | "configDir" | "configFile">,
): StatusDocument {
  const { config, configDir, configFile } = loaded;
  const tasks = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0]));
  return {
    tasks,
    total: 0,
    tokens: {},
    plans: [],
    failed: [],
    unregistered: listPlanFiles(config.paths.plans).map((f) => printable(basename(f))),
    refused: [],
    paths: {
      config: configFile,
      config_dir: configDir,
      database: config.paths.database,
      plans: config.paths.plans,
    },
  };
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
