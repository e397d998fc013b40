/**
 * Builds the per-plan `quality_report.json` from plain data the
 * pipeline reads from its store. The report holds no timestamps of its own,
 * so an unchanged plan produces a byte-identical report (and is not
 * rewritten, so it makes no new commit).
 *
 * @module
 */
import type { TaskStatus } from "../../domain/status.ts";
import { compareFindings, compareText, type Finding } from "../../validate/finding.ts";
import type { ValidationRun } from "../../validate/command_runner.ts";
import { detectLanguages } from "./languages.ts";

/** Current report schema version. */
export const REPORT_SCHEMA_VERSION = "2.0.0";
/** Oldest reader version that understands this report. */
export const REPORT_MIN_COMPATIBLE_VERSION = "2.0.0";

/** One task as stored. */
export interface ReportTask {
  task_id: number;
  title: string;
  file_paths: string[];
  phase_name: string | null;
  deliverable_ids: string[];
  status: TaskStatus;
  dependencies: string[];
  next_eligible_at: string | null;
  escalation_reason: string | null;
  /** Number of reworks so far (0 = first attempt). */
  attempt: number;
}

/** One deliverable (requirement) row. */
export interface ReportDeliverable {
  deliverable_id: string;
  title: string;
  status: string;
  reason: string | null;
}

/** Model-manager and run-log counters. */
export interface ModelStats {
  model_switches: number;
  run_events: number;
  swap_count: number;
  load_count: number;
  unload_count: number;
}

/** Snapshot files found next to the plan, if any (null when absent). */
export interface ObservabilityInput {
  benchmark: { gate_passed: boolean; pass_rate: number; gate_reasons: string[] } | null;
  kpi: { plans_total: number; plan_success_rate: number } | null;
  dashboard: {
    failure_events_delta: number;
    failure_rate_delta: number;
    regression_hints: string[];
  } | null;
}

/** Everything {@linkcode buildQualityReport} needs. */
export interface QualityReportInput {
  planId: string;
  /** Contents of the plan (e.g. `LAO_PLAN.md`), for language detection. */
  planText: string;
  /** Workspace-relative file paths (fallback for language detection). */
  workspaceFiles: string[];
  tasks: ReportTask[];
  findings: (Finding & { task_id: number })[];
  validationRuns: (ValidationRun & { task_id: number })[];
  deliverables: ReportDeliverable[];
  preflight: unknown;
  strictAdherence: boolean;
  strictClosureAllowedStatuses: string[];
  modelStats: ModelStats;
  observability?: Partial<ObservabilityInput>;
}

/** A finding as listed in the report. */
export type ReportFinding =
  & Pick<
    Finding,
    "source" | "severity" | "file_path" | "issue_class" | "message" | "analyzer_id" | "confidence"
  >
  & { task_id: number };

/** The `quality_report.json` document. */
export interface QualityReport {
  report_meta: { schema_version: string; min_compatible_version: string };
  plan_id: string;
  detected_languages: string[];
  task_counts: { total: number; completed: number; failed: number; pending_or_inflight: number };
  quality: {
    total_findings: number;
    critical_findings: number;
    consistency_findings: number;
    analyzer_confidence_summary: Record<string, { count: number; avg_confidence: number }>;
  };
  preflight: unknown;
  contracts: {
    total_validation_runs: number;
    failed_validation_runs: number;
    strict_adherence_enabled: boolean;
    strict_closure_allowed_statuses: string[];
    closure_satisfied: boolean;
    unresolved_deliverables: ReportDeliverable[];
  };
  traceability_summary: {
    deliverables_total: number;
    deliverables_validated: number;
    architecture_alignment_score: number;
  };
  observability: {
    benchmark_gate: ObservabilityInput["benchmark"];
    kpi_snapshot_ref: ObservabilityInput["kpi"];
    dashboard_regression_summary: ObservabilityInput["dashboard"];
  };
  convergence: {
    rework_loops: number;
    tasks_with_retries: number;
    escalated_tasks: number;
    escalation_reason_counts: Record<string, number>;
  };
  deliverables: ReportDeliverable[];
  efficiency: ModelStats;
  traceability: (Omit<ReportTask, "attempt"> & {
    attempt: number;
    findings_count: number;
    validation_runs: {
      kind: string;
      command: string;
      success: boolean;
      exit_code: number | null;
      finished_at: string;
    }[];
  })[];
  /** LAO addition: the latest findings, most severe first. */
  findings: ReportFinding[];
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function confidenceSummary(
  findings: Finding[],
): QualityReport["quality"]["analyzer_confidence_summary"] {
  const groups = new Map<string, number[]>();
  for (const f of findings) {
    groups.set(f.analyzer_kind, [...(groups.get(f.analyzer_kind) ?? []), f.confidence]);
  }
  return Object.fromEntries(
    [...groups.keys()].sort(compareText).map((kind) => {
      const values = groups.get(kind) ?? [];
      const avg = values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
      return [kind, { count: values.length, avg_confidence: round4(avg) }];
    }),
  );
}

function isConsistency(issueClass: string): boolean {
  return issueClass.startsWith("referenced_") || issueClass.endsWith("_mismatch");
}

/** Builds the report. Closure requires at least one task and every task completed. */
export function buildQualityReport(input: QualityReportInput): QualityReport {
  const { tasks, findings, deliverables } = input;
  const count = (status: TaskStatus) => tasks.filter((t) => t.status === status).length;
  const validated = deliverables.filter((d) => d.status.toLowerCase() === "validated").length;
  return {
    report_meta: {
      schema_version: REPORT_SCHEMA_VERSION,
      min_compatible_version: REPORT_MIN_COMPATIBLE_VERSION,
    },
    plan_id: input.planId,
    detected_languages: detectLanguages(input.planText, input.workspaceFiles),
    task_counts: {
      total: tasks.length,
      completed: count("completed"),
      failed: count("failed"),
      pending_or_inflight: tasks.length - count("completed") - count("failed"),
    },
    quality: {
      total_findings: findings.length,
      critical_findings: findings.filter((f) => f.severity === "critical").length,
      consistency_findings: findings.filter((f) => isConsistency(f.issue_class)).length,
      analyzer_confidence_summary: confidenceSummary(findings),
    },
    preflight: input.preflight ?? null,
    contracts: contracts(input),
    traceability_summary: {
      deliverables_total: deliverables.length,
      deliverables_validated: validated,
      architecture_alignment_score: deliverables.length === 0
        ? 1
        : round4(validated / deliverables.length),
    },
    observability: {
      benchmark_gate: input.observability?.benchmark ?? null,
      kpi_snapshot_ref: input.observability?.kpi ?? null,
      dashboard_regression_summary: input.observability?.dashboard ?? null,
    },
    convergence: convergence(tasks),
    deliverables,
    efficiency: { ...input.modelStats },
    traceability: traceability(input),
    findings: [...findings].sort(compareFindings).map((f) => ({
      task_id: f.task_id,
      source: f.source,
      severity: f.severity,
      file_path: f.file_path,
      issue_class: f.issue_class,
      message: f.message,
      analyzer_id: f.analyzer_id,
      confidence: f.confidence,
    })),
  };
}

/** Validation runs and whether the plan's closure holds (every task completed, strict deliverables). */
function contracts(input: QualityReportInput): QualityReport["contracts"] {
  const { tasks, validationRuns, deliverables } = input;
  const allowed = [
    ...new Set(
      input.strictClosureAllowedStatuses.map((s) => s.trim().toLowerCase()).filter((s) => s !== ""),
    ),
  ].sort(compareText);
  const unresolved = deliverables.filter((d) => !allowed.includes(d.status.toLowerCase()));
  const allCompleted = tasks.length > 0 && tasks.every((t) => t.status === "completed");
  return {
    total_validation_runs: validationRuns.length,
    failed_validation_runs: validationRuns.filter((r) => !r.success).length,
    strict_adherence_enabled: input.strictAdherence,
    strict_closure_allowed_statuses: allowed,
    closure_satisfied: allCompleted && (!input.strictAdherence || unresolved.length === 0),
    unresolved_deliverables: unresolved,
  };
}

/** Rework and escalations across the plan's tasks. */
function convergence(tasks: QualityReportInput["tasks"]): QualityReport["convergence"] {
  const escalations: Record<string, number> = {};
  for (const t of tasks) {
    if (t.escalation_reason) {
      escalations[t.escalation_reason] = (escalations[t.escalation_reason] ?? 0) + 1;
    }
  }
  return {
    rework_loops: tasks.reduce((sum, t) => sum + t.attempt, 0),
    tasks_with_retries: tasks.filter((t) => t.attempt > 0).length,
    escalated_tasks: tasks.filter((t) => t.escalation_reason).length,
    escalation_reason_counts: escalations,
  };
}

/** Each task with its findings count and validation runs. */
function traceability(input: QualityReportInput): QualityReport["traceability"] {
  const { findings, validationRuns } = input;
  return input.tasks.map((t) => ({
    ...t,
    findings_count: findings.filter((f) => f.task_id === t.task_id).length,
    validation_runs: validationRuns.filter((r) => r.task_id === t.task_id).map((r) => ({
      kind: r.kind,
      command: r.command,
      success: r.success,
      exit_code: r.exitCode,
      finished_at: r.finishedAt,
    })),
  }));
}
