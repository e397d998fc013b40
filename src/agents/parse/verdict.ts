/**
 * Reviewer verdict parsing (spec §4.8, weak spot 22): the JSON object may sit
 * anywhere (fenced, in prose, or only in the reasoning when the content is
 * empty); verdict words are matched in many spellings; a plain-text
 * `VERDICT: APPROVED` line works too; rejections with only minor findings
 * approve.
 *
 * @module
 */
import { extractJsonCandidates } from "./json_extract.ts";
import { splitThink } from "./think.ts";

/** Normalised finding severity. */
export type Severity = "critical" | "major" | "minor";

/** One reviewer finding. */
export interface Finding {
  severity: Severity;
  file_path: string | null;
  issue_class: string;
  message: string;
  fix_hint: string | null;
}

/** Result of {@linkcode parseVerdict}. */
export interface Verdict {
  verdict: "approved" | "rejected" | "unparseable";
  findings: Finding[];
  summary: string;
  /** True when a rejection was turned into an approval (only minor findings). */
  minorOnly?: boolean;
}

const APPROVE = new Set([
  "APPROVE",
  "APPROVED",
  "PASS",
  "PASSED",
  "LGTM",
  "ACCEPT",
  "ACCEPTED",
  "OK",
  "OKAY",
]);
const REJECT = new Set([
  "REJECT",
  "REJECTED",
  "FAIL",
  "FAILED",
  "CHANGES_REQUESTED",
  "REQUEST_CHANGES",
  "NEEDS_CHANGES",
  "NEEDS_WORK",
  "NOT_APPROVED",
]);
const BLOCKING = new Set<Severity>(["critical", "major"]);

/** Maps a verdict word (any case, spaces or hyphens) to a decision. */
export function verdictWord(word: unknown): "approved" | "rejected" | undefined {
  if (typeof word === "boolean") return word ? "approved" : "rejected";
  if (typeof word !== "string") return undefined;
  const w = word.trim().toUpperCase().replace(/[^A-Z]+/g, "_").replace(/^_|_$/g, "");
  if (APPROVE.has(w)) return "approved";
  if (REJECT.has(w)) return "rejected";
  return undefined;
}

function severityOf(v: unknown): Severity {
  const s = String(v ?? "").toLowerCase().trim();
  if (["critical", "blocker", "blocking", "fatal"].includes(s)) return "critical";
  if (["major", "high", "error", "severe", "serious"].includes(s)) return "major";
  return "minor";
}

function str(obj: Record<string, unknown>, keys: string[]): string | null {
  for (const k of keys) {
    const v = obj[k];
    if (typeof v === "string" && v.trim()) return v.trim();
  }
  return null;
}

/** Normalises one raw finding (object or plain string). */
export function normalizeFinding(raw: unknown): Finding | undefined {
  if (typeof raw === "string") {
    return raw.trim()
      ? {
        severity: "minor",
        file_path: null,
        issue_class: "review_issue",
        message: raw.trim(),
        fix_hint: null,
      }
      : undefined;
  }
  if (raw === null || typeof raw !== "object") return undefined;
  const o = raw as Record<string, unknown>;
  const message = str(o, [
    "message",
    "issue",
    "description",
    "msg",
    "problem",
    "text",
    "detail",
    "comment",
  ]);
  if (!message) return undefined;
  return {
    severity: severityOf(o.severity ?? o.level ?? o.priority),
    file_path: str(o, ["file_path", "file", "path", "filename", "filepath"]),
    issue_class: str(o, ["issue_class", "class", "category", "type", "kind"]) ?? "review_issue",
    message,
    fix_hint: str(o, ["fix_hint", "fix", "suggestion", "recommendation", "hint", "suggested_fix"]),
  };
}

const VERDICT_KEYS = [
  "verdict",
  "decision",
  "status",
  "result",
  "review",
  "outcome",
  "approved",
  "approval",
];

function fromObject(o: Record<string, unknown>): Verdict | undefined {
  const key = VERDICT_KEYS.find((k) => verdictWord(o[k]) !== undefined);
  if (!key) return undefined;
  const rawFindings = [o.findings, o.issues, o.problems, o.comments].find(Array.isArray) as
    | unknown[]
    | undefined;
  const findings = (rawFindings ?? []).map(normalizeFinding).filter((f): f is Finding => !!f);
  const summary =
    str(o, ["summary", "reason", "reasoning", "explanation", "comment", "feedback"]) ?? "";
  return decide(verdictWord(o[key])!, findings, summary);
}

function decide(verdict: "approved" | "rejected", findings: Finding[], summary: string): Verdict {
  if (
    verdict === "rejected" && findings.length > 0 && !findings.some((f) => BLOCKING.has(f.severity))
  ) {
    return { verdict: "approved", findings, summary, minorOnly: true };
  }
  return { verdict, findings, summary };
}

const LABELLED =
  /(?:verdict|decision|status|result|review(?:\s+result)?)\s*\**\s*[:=\-]\s*[*_`#"']*\s*([A-Za-z][A-Za-z _-]{1,20}?)\s*[*_`"'.!]*\s*$/gim;
const BARE =
  /^[\s>#*_`-]*(APPROVED?|REJECTED?|LGTM|PASS(?:ED)?|FAIL(?:ED)?|CHANGES[ _]REQUESTED)[\s*_`.!]*$/gim;

function fromPlainText(text: string): Verdict | undefined {
  for (const re of [LABELLED, BARE]) {
    const matches = [...text.matchAll(re)];
    for (const m of matches.reverse()) {
      const v = verdictWord(m[1]);
      if (v) return decide(v, [], text.trim().slice(0, 2000));
    }
  }
  return undefined;
}

function fromText(text: string): Verdict | undefined {
  for (const c of extractJsonCandidates(text, { prefer: "object", keepThink: true })) {
    if (c.value && typeof c.value === "object" && !Array.isArray(c.value)) {
      const v = fromObject(c.value as Record<string, unknown>);
      if (v) return v;
    }
  }
  return fromPlainText(text);
}

/**
 * Parses a reviewer reply. `reasoning` is the server's separate
 * `reasoning_content` (consulted when the answer itself has no verdict).
 *
 * @example
 * ```ts
 * import { parseVerdict } from "./verdict.ts";
 * parseVerdict('```json\n{"verdict": "LGTM", "findings": []}\n```').verdict; // "approved"
 * ```
 */
export function parseVerdict(content: string, reasoning = ""): Verdict {
  const split = splitThink(content ?? "");
  const fromContent = split.content ? fromText(split.content) : undefined;
  if (fromContent) return fromContent;
  const thoughts = [split.reasoning, reasoning].filter((r) => r.trim()).join("\n\n");
  const fromReasoning = thoughts ? fromText(thoughts) : undefined;
  if (fromReasoning) return fromReasoning;
  const summary = (split.content || thoughts).trim().slice(0, 2000);
  return { verdict: "unparseable", findings: [], summary };
}

/** The verdict as a JSON schema, for `response_format`. */
export const verdictJsonSchema = {
  type: "object",
  properties: {
    verdict: { type: "string", enum: ["APPROVED", "REJECTED"] },
    findings: {
      type: "array",
      items: {
        type: "object",
        properties: {
          severity: { type: "string", enum: ["critical", "major", "minor"] },
          file_path: { type: "string" },
          issue_class: { type: "string" },
          message: { type: "string" },
          fix_hint: { type: "string" },
        },
        required: ["severity", "file_path", "issue_class", "message", "fix_hint"],
        additionalProperties: false,
      },
    },
    summary: { type: "string" },
  },
  required: ["verdict", "findings", "summary"],
  additionalProperties: false,
} as const;

/** The `response_format` request field asking for {@linkcode verdictJsonSchema}. */
export const verdictResponseFormat = {
  type: "json_schema",
  json_schema: { name: "review_verdict", strict: true, schema: verdictJsonSchema },
} as const;
