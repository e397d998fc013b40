/**
 * Renders a {@linkcode QualityReport} as `LAO_QUALITY.md`: a summary, a task
 * table, the findings grouped by severity, and convergence/efficiency
 * numbers. The output depends only on the report, so it is stable too.
 *
 * @module
 */
import type { QualityReport, ReportFinding } from "./quality_report.ts";

const SEVERITIES = ["critical", "major", "minor", "info"] as const;

/** Maximum findings listed per severity. */
export const MAX_LISTED_FINDINGS = 50;

/** Escapes text for a Markdown table cell (pipes, newlines). */
export function cell(text: string | number | null | undefined): string {
  if (text === null || text === undefined || text === "") return "-";
  return String(text).replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

function summary(report: QualityReport): string[] {
  const { task_counts: t, quality: q, contracts: c, traceability_summary: d } = report;
  return [
    "## Summary",
    "",
    `- Closure: ${c.closure_satisfied ? "**satisfied**" : "**not satisfied**"}${
      c.strict_adherence_enabled ? " (strict adherence)" : ""
    }`,
    `- Tasks: ${t.total} total, ${t.completed} completed, ${t.failed} failed, ${t.pending_or_inflight} pending or in flight`,
    `- Findings: ${q.total_findings} (${q.critical_findings} critical, ${q.consistency_findings} consistency)`,
    `- Validation runs: ${c.total_validation_runs} (${c.failed_validation_runs} failed)`,
    `- Deliverables: ${d.deliverables_validated} of ${d.deliverables_total} validated (alignment ${
      percent(d.architecture_alignment_score)
    })`,
    `- Languages: ${report.detected_languages.join(", ") || "unknown"}`,
    "",
  ];
}

function taskTable(report: QualityReport): string[] {
  if (report.traceability.length === 0) return ["## Tasks", "", "No tasks.", ""];
  return [
    "## Tasks",
    "",
    "| # | Title | Phase | Status | Reworks | Findings | Escalation |",
    "|---|---|---|---|---|---|---|",
    ...report.traceability.map((t) =>
      `| ${t.task_id} | ${cell(t.title)} | ${
        cell(t.phase_name)
      } | ${t.status} | ${t.attempt} | ${t.findings_count} | ${cell(t.escalation_reason)} |`
    ),
    "",
  ];
}

function findingLine(f: ReportFinding): string {
  const where = f.file_path ? `\`${f.file_path}\`` : "(whole change)";
  return `- task ${f.task_id}, ${where}, ${f.issue_class}: ${f.message.replace(/\s*\n\s*/g, " ")}`;
}

function findingSections(report: QualityReport): string[] {
  if (report.findings.length === 0) return ["## Findings", "", "No open findings.", ""];
  const lines = ["## Findings", ""];
  for (const severity of SEVERITIES) {
    const group = report.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    lines.push(`### ${severity[0]?.toUpperCase()}${severity.slice(1)} (${group.length})`, "");
    lines.push(...group.slice(0, MAX_LISTED_FINDINGS).map(findingLine));
    if (group.length > MAX_LISTED_FINDINGS) {
      lines.push(`- ... ${group.length - MAX_LISTED_FINDINGS} more`);
    }
    lines.push("");
  }
  return lines;
}

function convergence(report: QualityReport): string[] {
  const c = report.convergence;
  const e = report.efficiency;
  const reasons = Object.entries(c.escalation_reason_counts)
    .map(([reason, n]) => `${reason} ${n}`).join(", ");
  return [
    "## Convergence",
    "",
    `- Rework loops: ${c.rework_loops}`,
    `- Tasks with retries: ${c.tasks_with_retries}`,
    `- Escalated tasks: ${c.escalated_tasks}${reasons ? ` (${reasons})` : ""}`,
    `- Model switches: ${e.model_switches}; loads ${e.load_count}, unloads ${e.unload_count}, swaps ${e.swap_count}`,
    "",
  ];
}

/** Renders the human report (Markdown, ends with one newline). */
export function renderQualityMarkdown(report: QualityReport): string {
  const lines = [
    `# Quality report: plan ${report.plan_id}`,
    "",
    ...summary(report),
    ...taskTable(report),
    ...findingSections(report),
    ...convergence(report),
  ];
  return `${lines.join("\n").trimEnd()}\n`;
}
