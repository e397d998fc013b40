/**
 * Repair feedback and the no-progress signatures.
 *
 * The feedback text given back to the coder is
 *
 * ```
 * finding_signature: 1a2b3c4d5e6f
 * Contract clause: Validation Contract
 * Required fixes:
 * - [major] src/app.ts typescript_syntax_error: Cannot parse "src/app.ts:3:1": Unexpected token
 *   fix_hint: Fix the syntax error …
 * ```
 *
 * The signature hashes a normalised body (each finding lower-cased,
 * whitespace-collapsed, line/column numbers removed, then sorted), so the
 * same problem at a shifted line keeps its signature.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { compareFindings, compareText, type Finding } from "./finding.ts";

/** Maximum findings listed in one feedback text. */
export const MAX_FEEDBACK_FINDINGS = 20;

/** Default text when there are no structured findings. */
export const NO_FINDINGS_FALLBACK = "Review rejected without structured findings.";

/** First 12 hex chars of SHA-256 of `text`. */
export function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

/**
 * Normalises one finding entry for hashing: lower case, line/column numbers
 * replaced by `#`, whitespace collapsed.
 */
export function normalizeForSignature(text: string): string {
  return text.toLowerCase()
    .replace(/\b(lines?|ln|col|column|position|offset)\s*\d+(\s*[,:-]\s*\d+)*/g, "$1 #")
    .replace(/:\d+(:\d+)?(?=\b|["')\s]|$)/g, ":#")
    .replace(/\(\d+:\d+\)/g, "(#)")
    .replace(/\b\d+ occurrences\b/g, "# occurrences")
    .replace(/\s+/g, " ")
    .trim();
}

function entryLines(finding: Finding): string[] {
  const lines = [
    `- [${finding.severity}] ${
      finding.file_path ?? "-"
    } ${finding.issue_class}: ${finding.message}`,
  ];
  if (finding.fix_hint) lines.push(`  fix_hint: ${finding.fix_hint.replace(/\s*\n\s*/g, " ")}`);
  return lines;
}

/** Options of {@linkcode buildRepairFeedback}. */
export interface RepairOptions {
  /** `Validation Contract` or `Reviewer Contract`. */
  clause: string;
  /** Text used when there are no findings (e.g. the reviewer's summary). */
  fallback?: string;
}

/** Builds the repair text for `findings` (no signature when there are none). */
export function buildRepairFeedback(findings: Finding[], options: RepairOptions): string {
  if (findings.length === 0) return options.fallback?.trim() || NO_FINDINGS_FALLBACK;
  const sorted = [...findings].sort(compareFindings);
  const shown = sorted.slice(0, MAX_FEEDBACK_FINDINGS);
  const entries = shown.map(entryLines);
  const omitted = sorted.length - shown.length;
  const body = [
    `Contract clause: ${options.clause}`,
    "Required fixes:",
    ...entries.flat(),
    ...(omitted > 0 ? [`- ... ${omitted} additional findings omitted`] : []),
  ];
  const normalized = entries.map((e) => normalizeForSignature(e.join(" "))).sort(compareText);
  const signature = shortHash(
    [normalizeForSignature(options.clause), ...normalized, `omitted=${omitted}`].join("\n"),
  );
  return [`finding_signature: ${signature}`, ...body].join("\n");
}

/**
 * The findings of a feedback text as one line each (`[major] m.py
 * missing_file: File m.py does not exist`), most severe first as written by
 * {@linkcode buildRepairFeedback}, at most `max` of them and each at most
 * `width` characters. Feedback without structured findings gives its first
 * meaningful line. For log lines, `lao status` and the run summary.
 */
export function feedbackFindings(
  feedback: string | null | undefined,
  max = 3,
  width = 160,
): string[] {
  const lines = (feedback ?? "").split("\n")
    .map((l) => l.trim().replace(/^Max attempts reached\. Last feedback:\s*/, ""))
    .filter((l) => l !== "");
  const entries = lines.filter((l) => l.startsWith("- [")).map((l) => l.slice(2));
  const picked = entries.length > 0
    ? entries.slice(0, max)
    : lines.filter((l) =>
      !l.startsWith("finding_signature") && !/^(Contract clause|Required fixes):?/.test(l) &&
      !/^Validation gate failed.*:$/.test(l) && !/^No progress: .*\.$/.test(l)
    ).slice(0, 1);
  return picked.map((l) => l.length > width ? `${l.slice(0, width - 1)}…` : l);
}

/** The `finding_signature` in a feedback text, or null. */
export function findingSignature(feedback: string | null | undefined): string | null {
  return /finding_signature:\s*([0-9a-f]{12})\b/.exec(feedback ?? "")?.[1] ?? null;
}

/** 12-hex SHA-256 over the changed files (order-independent). */
export function codeSignature(files: { path: string; content: string }[]): string {
  const hash = createHash("sha256");
  for (const file of [...files].sort((a, b) => compareText(a.path, b.path))) {
    hash.update(`${file.path}\u0000${file.content.length}\u0000${file.content}\u0000`);
  }
  return hash.digest("hex").slice(0, 12);
}

/** Inputs of {@linkcode isNoProgress}. */
export interface ProgressInput {
  /** Feedback stored on the task from the previous attempt. */
  previousFeedback: string | null | undefined;
  /** Feedback of this attempt. */
  newFeedback: string;
  /** Code signature recorded after the **previous** attempt's coder run. */
  previousCodeSignature: string | null | undefined;
  /** Code signature after this attempt's coder run. */
  currentCodeSignature: string | null | undefined;
}

/**
 * True when the task is stuck: both feedback texts carry the same finding
 * signature and the code did not change since the previous attempt. When
 * either code signature is unknown, only the finding signatures decide.
 */
export function isNoProgress(input: ProgressInput): boolean {
  const before = findingSignature(input.previousFeedback);
  const after = findingSignature(input.newFeedback);
  if (before === null || after === null || before !== after) return false;
  const { previousCodeSignature: prev, currentCodeSignature: curr } = input;
  return !(prev && curr && prev !== curr);
}
