/**
 * Reviewer verdict parsing: the JSON object may sit
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
  const cap = (v: string | null, max: number) => v === null ? null : v.slice(0, max);
  return {
    severity: severityOf(o.severity ?? o.level ?? o.priority),
    file_path: cap(
      str(o, ["file_path", "file", "path", "filename", "filepath"]),
      VERDICT_LIMITS.path,
    ),
    issue_class: cap(
      str(o, ["issue_class", "class", "category", "type", "kind"]),
      VERDICT_LIMITS.issueClass,
    ) ?? "review_issue",
    message: message.slice(0, VERDICT_LIMITS.text),
    fix_hint: cap(
      str(o, ["fix_hint", "fix", "suggestion", "recommendation", "hint", "suggested_fix"]),
      VERDICT_LIMITS.text,
    ),
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

function fromObject(o: Record<string, unknown>, depth = 0): Verdict | undefined {
  const key = VERDICT_KEYS.find((k) => verdictWord(o[k]) !== undefined) ??
    (["yes", "no"].includes(String(o.approved ?? "").toLowerCase()) ? "approved" : undefined);
  if (!key) {
    // A wrapper such as {"review": {"verdict": ...}}.
    if (depth > 1) return undefined;
    for (const v of Object.values(o)) {
      if (v && typeof v === "object" && !Array.isArray(v)) {
        const inner = fromObject(v as Record<string, unknown>, depth + 1);
        if (inner) return inner;
      }
    }
    return undefined;
  }
  if (key === "approved" && typeof o.approved === "string" && /^(yes|no)$/i.test(o.approved)) {
    o = { ...o, approved: /^yes$/i.test(o.approved) };
  }
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

const LABEL =
  /^(?:final\s+|overall\s+)?(?:verdict|decision|status|result|outcome|assessment|conclusion|recommendation|answer|review(?:\s+(?:result|verdict|status))?|overall)\b\s*[:=\-–—]?\s*(.*)$/i;
const MARKS: Record<string, "approved" | "rejected"> = { "✅": "approved", "❌": "rejected" };

/** A line without markdown emphasis, headers, quotes and list markers. */
function plainLine(line: string): string {
  return line.replace(/[*_`#>]+/g, " ").replace(/^\s*(?:[-+]|\d+[.)])\s+/, "").trim();
}

/** The verdict named by the first words of `rest` ("APPROVED with nits", "Not approved"). */
function leadingVerdict(rest: string): "approved" | "rejected" | undefined {
  const mark = rest.trim().match(/^(✅|❌)/u)?.[1];
  const words = rest.replace(/^[^A-Za-z]+/, "").split(/[\s,.;:!()"'-]+/).filter(Boolean);
  for (let n = Math.min(3, words.length); n >= 1; n--) {
    const v = verdictWord(words.slice(0, n).join(" "));
    if (v) return v;
  }
  return mark ? MARKS[mark] : undefined;
}

function fromPlainText(text: string): Verdict | undefined {
  const lines = text.split("\n").map(plainLine);
  const found = (v: "approved" | "rejected") => decide(v, [], text.trim().slice(0, 2000));
  // Labelled lines first ("Verdict: APPROVED", "## Verdict" then the word), the last one wins.
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = lines[i]!.match(LABEL);
    if (!m) continue;
    const rest = m[1]!.trim() || (lines.slice(i + 1).find((l) => l.trim()) ?? "");
    const v = leadingVerdict(rest);
    if (v) return found(v);
  }
  // Then a line that is only a verdict word ("**APPROVED**", "LGTM ✅").
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.replace(/[.!✅❌\s]+$/u, "").replace(/^[✅❌\s]+/u, "");
    if (line && line.split(/\s+/).length <= 2) {
      const v = verdictWord(line);
      if (v) return found(v);
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

/** Longest strings LAO keeps from a verdict (the schema tells grammar-constrained servers). */
export const VERDICT_LIMITS = { findings: 20, issueClass: 64, text: 1000, path: 300 } as const;

/**
 * The verdict as a JSON schema, for `response_format`: the enums and bounds
 * LAO applies when it reads a verdict.
 */
export const verdictJsonSchema = {
  type: "object",
  properties: {
    verdict: { type: "string", enum: ["APPROVED", "REJECTED"] },
    findings: {
      type: "array",
      maxItems: VERDICT_LIMITS.findings,
      items: {
        type: "object",
        properties: {
          severity: { type: "string", enum: ["critical", "major", "minor"] },
          file_path: { type: ["string", "null"], maxLength: VERDICT_LIMITS.path },
          issue_class: { type: "string", minLength: 1, maxLength: VERDICT_LIMITS.issueClass },
          message: { type: "string", minLength: 1, maxLength: VERDICT_LIMITS.text },
          fix_hint: { type: ["string", "null"], maxLength: VERDICT_LIMITS.text },
        },
        required: ["severity", "file_path", "issue_class", "message", "fix_hint"],
        additionalProperties: false,
      },
    },
    summary: { type: "string", maxLength: VERDICT_LIMITS.text },
  },
  required: ["verdict", "findings", "summary"],
  additionalProperties: false,
} as const;

/** The `response_format` request field asking for {@linkcode verdictJsonSchema}. */
export const verdictResponseFormat = {
  type: "json_schema",
  json_schema: { name: "review_verdict", strict: true, schema: verdictJsonSchema },
} as const;
