/**
 * Findings: one problem found in a task's change, either by a static
 * validator or by the reviewer model.
 *
 * @module
 */

/** How bad a finding is. `blocker` from older configs is treated as `critical`. */
export type Severity = "critical" | "major" | "minor" | "info";

/** Who produced a finding. */
export type FindingSource = "validator" | "reviewer";

/** What kind of analyzer produced a finding (used for confidence thresholds). */
export type AnalyzerKind = "runtime" | "heuristic" | "compiler" | "ast" | "llm";

/** One problem in a task's change. */
export interface Finding {
  /** Static validator or reviewer model. */
  source: FindingSource;
  /** How bad it is. */
  severity: Severity;
  /** Workspace-relative path, or null for findings about the whole change. */
  file_path: string | null;
  /** Machine-readable class, e.g. `json_parse_error`, `build_command_failed`. */
  issue_class: string;
  /** One-line, human and model readable description. */
  message: string;
  /** How to fix it, when known. */
  fix_hint?: string;
  /** Stable id of the analyzer, e.g. `babel_parser`, `command:test`. */
  analyzer_id: string;
  /** Analyzer family. */
  analyzer_kind: AnalyzerKind;
  /** How sure the analyzer is, 0..1. */
  confidence: number;
}

const SEVERITY_RANK: Record<string, number> = {
  critical: 0,
  blocker: 0,
  major: 1,
  minor: 2,
  info: 3,
};

/**
 * Sort rank of a severity: critical (and `blocker`) 0, major 1, minor 2,
 * info 3, anything else 4.
 */
export function severityRank(severity: string): number {
  return SEVERITY_RANK[severity.toLowerCase()] ?? 4;
}

/** Normalises free-form severity text (e.g. from a reviewer) to a {@linkcode Severity}. */
export function normalizeSeverity(value: unknown, fallback: Severity = "minor"): Severity {
  const text = typeof value === "string" ? value.trim().toLowerCase() : "";
  if (text === "critical" || text === "blocker") return "critical";
  if (text === "major" || text === "minor" || text === "info") return text;
  return fallback;
}

/** Builds a validator finding; `source` is always `validator`. */
export function validatorFinding(fields: Omit<Finding, "source">): Finding {
  const finding: Finding = { source: "validator", ...fields };
  if (finding.fix_hint === undefined) delete finding.fix_hint;
  return finding;
}

/** Orders findings by severity, then file path, issue class and message. */
export function compareFindings(a: Finding, b: Finding): number {
  return severityRank(a.severity) - severityRank(b.severity) ||
    compareText(a.file_path ?? "", b.file_path ?? "") ||
    compareText(a.issue_class, b.issue_class) ||
    compareText(a.message, b.message);
}

/** Locale-independent string comparison (stable across machines). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True for critical and major findings (what "no blocking findings" means in run records). */
export function isSevere(finding: Finding): boolean {
  return severityRank(finding.severity) <= 1;
}
