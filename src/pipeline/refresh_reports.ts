/**
 * Refreshes a plan's quality report: gathers the plan's tasks, findings,
 * validation runs and deliverables from the store, builds the report
 * (`quality/quality_report.ts`), writes `quality_report.json` and
 * `LAO_QUALITY.md` only when their content changed (`quality/report_files.ts`)
 * and commits them on their own (`lao(report): …`), never inside a task's
 * commit.
 *
 * @module
 */
import { basename } from "node:path";
import type { ManagerStats } from "../models/types.ts";
import type { Config } from "../config/schema.ts";
import type { Emit } from "../events/bus.ts";
import type { PlanGitPort } from "../git/port.ts";
import type { PlanRow, Store } from "../store/store.ts";
import type { WorkspaceFs } from "../workspace/workspace_fs.ts";
import type { WorkspaceIo } from "../workspace/guarded_io.ts";
import type { PlansSource } from "./plans_source.ts";
import { buildQualityReport, type QualityReportInput } from "./quality/quality_report.ts";
import { writeReports } from "./quality/report_files.ts";
import type { Finding } from "../validate/finding.ts";
import { readPlanText } from "./intake.ts";

/** What writing a plan's reports uses. */
export interface ReportPorts {
  config: Config;
  store: Pick<Store, "listTasks" | "planFindings" | "planValidationRuns" | "deliverables">;
  workspaceFs: (workspace: string) => Promise<WorkspaceFs>;
  /** LAO's own files in the workspace (the reports are written through it). */
  workspaceIo: (workspace: string) => WorkspaceIo;
  /** Where the plan's source file is read (the report shows the plan). */
  plans: PlansSource;
  git: (workspace: string, planId: string) => PlanGitPort;
  emit: Emit;
}

/** Builds and writes the reports of one plan; returns the files that were (re)written. */
export async function refreshPlanReports(
  deps: ReportPorts,
  plan: PlanRow,
  stats: ManagerStats,
): Promise<string[]> {
  if (!plan.workspace) return [];
  const report = buildQualityReport(
    await reportInput(deps, { ...plan, workspace: plan.workspace }, stats),
  );
  const { written, replaced } = await writeReports(plan.workspace, report, {
    changedOnly: true,
    io: deps.workspaceIo(plan.workspace),
  });
  for (const entry of replaced) {
    deps.emit({
      type: "log",
      level: "warn",
      message: `${plan.filename}: replaced ${entry}, planted in the workspace, with LAO's report`,
    });
  }
  if (written.length) {
    await deps.git(plan.workspace, plan.id).commitReport(written.map((p) => basename(p)));
  }
  return written;
}

/** Everything the report shows, from the store and the workspace. */
async function reportInput(
  deps: ReportPorts,
  plan: PlanRow & { workspace: string },
  stats: ManagerStats,
): Promise<QualityReportInput> {
  const { workspace } = plan;
  const tasks = deps.store.listTasks(plan.id);
  const titles = new Map(tasks.map((t) => [t.id, t.title]));
  const fs = await deps.workspaceFs(workspace);
  const files = (await fs.walk({ limit: 2000 })).filter((e) => e.kind === "file").map((e) =>
    e.path
  );
  return {
    planId: plan.id,
    planText: (await readPlanText(plan, deps.config.git.plan_file_name, deps)) ?? "",
    workspaceFiles: files,
    tasks: tasks.map((t) => ({
      task_id: t.id,
      title: t.title,
      file_paths: t.file_paths,
      phase_name: t.phase_name,
      deliverable_ids: t.deliverable_ids,
      status: t.status,
      dependencies: t.dependencies.map((d) => titles.get(d) ?? `#${d}`),
      next_eligible_at: t.next_eligible_at,
      escalation_reason: t.escalation_reason,
      attempt: t.attempt,
    })),
    findings: reportFindings(deps, plan.id),
    validationRuns: deps.store.planValidationRuns(plan.id).map((r) => ({
      task_id: r.task_id,
      kind: r.kind,
      command: r.command,
      success: r.success === 1,
      exitCode: r.return_code,
      output: r.output ?? "",
      startedAt: r.started_at,
      finishedAt: r.finished_at,
    })),
    deliverables: deps.store.deliverables(plan.id).map((d) => ({
      deliverable_id: d.deliverable_id,
      title: d.description,
      status: d.status,
      reason: d.status_reason,
    })),
    preflight: plan.preflight_json ? JSON.parse(plan.preflight_json) : null,
    strictAdherence: deps.config.orchestration.strict_adherence,
    strictClosureAllowedStatuses: deps.config.orchestration.strict_closure_allowed_statuses,
    modelStats: {
      model_switches: stats.swaps,
      run_events: tasks.length,
      swap_count: stats.swaps,
      load_count: stats.loads,
      unload_count: stats.unloads,
    },
  };
}

/** The plan's stored findings as the report lists them. */
function reportFindings(deps: ReportPorts, planId: string): (Finding & { task_id: number })[] {
  return deps.store.planFindings(planId).map((f) => ({
    source: oneOf(f.source, ["validator", "reviewer"] as const, "validator"),
    severity: oneOf(f.severity, ["critical", "major", "minor", "info"] as const, "info"),
    file_path: f.file_path,
    issue_class: f.issue_class,
    message: f.message,
    ...(f.fix_hint ? { fix_hint: f.fix_hint } : {}),
    analyzer_id: f.analyzer_id ?? "unknown",
    analyzer_kind: oneOf(
      f.analyzer_kind,
      ["runtime", "heuristic", "compiler", "ast", "llm"] as const,
      "heuristic",
    ),
    confidence: f.confidence ?? 0,
    task_id: f.task_id,
  }));
}

/** `value` when it is one of `values`, else `fallback` (a stored finding from an older LAO). */
function oneOf<T extends string>(
  value: string | null | undefined,
  values: readonly T[],
  fallback: T,
): T {
  return values.find((v) => v === value) ?? fallback;
}
