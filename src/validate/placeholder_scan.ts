/**
 * Placeholder scan: finds unfinished code
 * in one file, while leaving ordinary text alone.
 *
 * - Code-level stubs (`raise NotImplementedError`, `throw new Error("not
 *   implemented")`, `todo!()`, a Python body that is only `...`, `pass  # TODO`)
 *   are **major** `stub_implementation`.
 * - Stub phrases such as "in a real implementation" in comments or strings are
 *   **major** `placeholder_text`.
 * - Marker words (`TODO`, `FIXME`, "placeholder", "for now", "not implemented")
 *   that appear only in comments are **minor** `placeholder_comment`, with a
 *   confidence below the default blocking threshold.
 * - The same words in string literals (UI copy), HTML/JSX attributes
 *   (`placeholder="Name"`), identifiers, Markdown and data files are ignored.
 *
 * @module
 */
import { type Finding, validatorFinding } from "./finding.ts";
import { extensionOf, lexSource, syntaxFor } from "./source_lexer.ts";

/** Result of scanning one file. */
export interface PlaceholderScan {
  findings: Finding[];
  /** Number of placeholder occurrences (for the density checks). */
  markers: number;
  /** Number of lines in the file. */
  lines: number;
}

interface Hit {
  issueClass: "stub_implementation" | "placeholder_text" | "placeholder_comment";
  label: string;
  line: number;
}

const WEAK_MARKERS: [RegExp, string][] = [
  [/\b(TODO|FIXME|XXX)\b|\btodo:/, "TODO"],
  [/\bplaceholder\b/i, "placeholder"],
  [/\bfor now\b/i, "for now"],
  [/\bnot (yet )?implemented\b/i, "not implemented"],
];

const STUB_PHRASE =
  /\bin a (real|production|full|complete) (implementation|app|application|system|project|environment|scenario)\b|\b(actual|real) (implementation|logic) (would|will|goes)\b|\bimplement(ation)? (this |me )?(here|later)\b/i;

const STUB_CALL =
  /\b(throw\s+new\s+\w*(Error|Exception)|raise\s+\w*Error|panic|fatalError)\s*\(\s*[fr]?["'`]\s*(not\s+(yet\s+)?implemented|unimplemented|todo\b)/i;

const RUST_STUB = /\b(todo|unimplemented)!\s*\(/;
const KOTLIN_STUB = /\bTODO\s*\(/;
const PY_RAISE_NOT_IMPLEMENTED = /\braise\s+NotImplementedError\b/;
const PY_HEADER = /^\s*(async\s+def|def|class)\s+(\w+)/;
const PY_INLINE_ELLIPSIS = /^\s*(async\s+)?def\s.*:\s*\.\.\.\s*$/;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * Headers (`def` / `class` lines, innermost first) enclosing line `index` of
 * Python `codeLines`, each with its decorators joined into one string.
 */
function enclosingPython(codeLines: string[], index: number) {
  const headers: { kind: string; text: string; decorators: string }[] = [];
  let limit = indentOf(codeLines[index] ?? "");
  for (let i = index - 1; i >= 0 && limit > 0; i--) {
    const text = codeLines[i] ?? "";
    if (text.trim() === "" || indentOf(text) >= limit) continue;
    limit = indentOf(text);
    const match = PY_HEADER.exec(text);
    if (!match) continue;
    let decorators = "";
    for (let j = i - 1; j >= 0 && (codeLines[j] ?? "").trim().startsWith("@"); j--) {
      decorators += codeLines[j];
    }
    headers.push({ kind: match[1] === "class" ? "class" : "def", text, decorators });
  }
  return headers;
}

/** True when a Python stub at `index` is a legitimate abstract/protocol/overload declaration. */
function isDeclaredAbstract(codeLines: string[], index: number): boolean {
  return enclosingPython(codeLines, index).some((h) =>
    /abstract|overload/i.test(h.decorators) ||
    (h.kind === "class" &&
      (/\b(ABC|ABCMeta|Protocol)\b/.test(h.text) || /class\s+(Base|Abstract)/.test(h.text)))
  );
}

function isPythonEllipsisBody(codeLines: string[], index: number): boolean {
  const line = codeLines[index] ?? "";
  if (PY_INLINE_ELLIPSIS.test(line)) return true;
  if (line.trim() !== "...") return false;
  const headers = enclosingPython(codeLines, index);
  return headers[0]?.kind === "def";
}

function codeHits(path: string, rawLines: string[], codeLines: string[]): Hit[] {
  const ext = extensionOf(path);
  const hits: Hit[] = [];
  codeLines.forEach((code, index) => {
    const line = index + 1;
    const raw = rawLines[index] ?? "";
    const python = ext === "py";
    if (STUB_CALL.test(raw) && !(python && isDeclaredAbstract(codeLines, index))) {
      hits.push({ issueClass: "stub_implementation", label: "not-implemented error", line });
    } else if (python && PY_RAISE_NOT_IMPLEMENTED.test(code)) {
      if (!isDeclaredAbstract(codeLines, index)) {
        hits.push({ issueClass: "stub_implementation", label: "raise NotImplementedError", line });
      }
    } else if (python && isPythonEllipsisBody(codeLines, index)) {
      if (!isDeclaredAbstract(codeLines, index)) {
        hits.push({ issueClass: "stub_implementation", label: "function body is `...`", line });
      }
    } else if (python && code.trim() === "pass" && /\b(TODO|FIXME)\b/i.test(raw)) {
      hits.push({ issueClass: "stub_implementation", label: "pass  # TODO", line });
    } else if (ext === "rs" && RUST_STUB.test(code)) {
      hits.push({ issueClass: "stub_implementation", label: "todo!()", line });
    } else if ((ext === "kt" || ext === "kts") && KOTLIN_STUB.test(code)) {
      hits.push({ issueClass: "stub_implementation", label: "TODO()", line });
    }
  });
  return hits;
}

function textHits(
  segments: { line: number; text: string }[],
  weak: boolean,
  stubLines: Set<number>,
): Hit[] {
  const hits: Hit[] = [];
  for (const segment of segments) {
    segment.text.split("\n").forEach((piece, offset) => {
      const line = segment.line + offset;
      if (stubLines.has(line)) return;
      if (STUB_PHRASE.test(piece)) {
        hits.push({ issueClass: "placeholder_text", label: "stub phrase", line });
        return;
      }
      if (!weak) return;
      for (const [pattern, label] of WEAK_MARKERS) {
        if (pattern.test(piece)) hits.push({ issueClass: "placeholder_comment", label, line });
      }
    });
  }
  return hits;
}

const DETAILS: Record<Hit["issueClass"], { severity: "major" | "minor"; confidence: number }> = {
  stub_implementation: { severity: "major", confidence: 0.8 },
  placeholder_text: { severity: "major", confidence: 0.72 },
  placeholder_comment: { severity: "minor", confidence: 0.55 },
};

const HINTS: Record<Hit["issueClass"], string> = {
  stub_implementation: "Replace the stub with a working implementation.",
  placeholder_text: "Implement the behaviour the comment describes instead of deferring it.",
  placeholder_comment: "Finish the marked work or remove the marker if it is done.",
};

function toFindings(path: string, hits: Hit[]): Finding[] {
  const groups = new Map<string, Hit[]>();
  for (const hit of hits) {
    const key = `${hit.issueClass}\u0000${hit.label}`;
    groups.set(key, [...(groups.get(key) ?? []), hit]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as Hit;
    const where = group.length === 1
      ? `at line ${first.line}`
      : `(${group.length} occurrences, first at line ${first.line})`;
    const what = first.issueClass === "placeholder_comment"
      ? `"${first.label}" marker in a comment`
      : first.issueClass === "placeholder_text"
      ? "placeholder phrase (the real logic is deferred)"
      : `stub implementation: ${first.label}`;
    return validatorFinding({
      severity: DETAILS[first.issueClass].severity,
      file_path: path,
      issue_class: first.issueClass,
      message: `${what} ${where}`,
      fix_hint: HINTS[first.issueClass],
      analyzer_id: "placeholder_scan",
      analyzer_kind: "heuristic",
      confidence: DETAILS[first.issueClass].confidence,
    });
  });
}

/** Scans one file (workspace-relative `path`, its `text`) for placeholders. */
export function scanPlaceholders(path: string, text: string): PlaceholderScan {
  const lines = text === "" ? 0 : text.split("\n").length;
  const syntax = syntaxFor(path);
  if (!syntax || extensionOf(path) === "pyi") return { findings: [], markers: 0, lines };
  const lexed = lexSource(text, syntax);
  const stubs = codeHits(path, text.split("\n"), lexed.code.split("\n"));
  const stubLines = new Set(stubs.map((hit) => hit.line));
  const hits = [
    ...stubs,
    ...textHits(lexed.comments, true, stubLines),
    ...textHits(lexed.strings, false, stubLines),
  ];
  return { findings: toFindings(path, hits), markers: hits.length, lines };
}
