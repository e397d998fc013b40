/**
 * Definitions and references of one source file, found line by line.
 *
 * This is the plain-text extractor the issue allows as the fallback: one
 * set of anchored patterns per common language (TypeScript/JavaScript,
 * Python, Go, Rust, Java/Kotlin/C#, C/C++, Ruby, PHP, shell) for the lines
 * that define a function, class, type, interface, trait or top-level
 * constant, and every identifier of three or more characters as a possible
 * reference. tree-sitter (`web-tree-sitter` with prebuilt WASM grammars)
 * would be more exact; the map's interface ({@linkcode FileSymbols}) does
 * not change when it replaces this.
 *
 * @module
 */

/** A definition: its name, 1-based line and the trimmed line as a signature. */
export interface Definition {
  name: string;
  line: number;
  signature: string;
}

/** What a file defines and which identifiers it uses. */
export interface FileSymbols {
  /** Language name, or "text". */
  language: string;
  definitions: Definition[];
  /** Identifiers used in the file (deduplicated, sorted), definitions included. */
  references: string[];
}

type Pattern = RegExp;

const TS: Pattern[] = [
  /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\*?\s+([A-Za-z_$][\w$]*)/,
  /^\s*(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/,
  /^\s*(?:export\s+)?(?:declare\s+)?(?:interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)/,
  /^\s*(?:export\s+)(?:const|let|var)\s+([A-Za-z_$][\w$]*)/,
  /^(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?(?:\(|function)/,
];
const PY: Pattern[] = [/^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)/, /^\s*class\s+([A-Za-z_]\w*)/];
const GO: Pattern[] = [
  /^func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)/,
  /^type\s+([A-Za-z_]\w*)/,
  /^\s+([A-Z]\w*)\s+(?:struct|interface)\b/,
];
const RUST: Pattern[] = [
  /^\s*(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+([A-Za-z_]\w*)/,
  /^\s*(?:pub(?:\([^)]*\))?\s+)?(?:struct|enum|trait|type|mod|union)\s+([A-Za-z_]\w*)/,
  /^\s*impl(?:<[^>]*>)?\s+(?:[\w:]+\s+for\s+)?([A-Za-z_]\w*)/,
];
const JAVA: Pattern[] = [
  /^\s*(?:(?:public|private|protected|internal|static|final|abstract|sealed|open|data|partial)\s+)*(?:class|interface|enum|record|object|struct)\s+([A-Za-z_]\w*)/,
  /^\s*(?:(?:public|private|protected|internal|static|final|abstract|override|virtual|async|synchronized)\s+)+[\w<>\[\],.? ]+\s+([A-Za-z_]\w*)\s*\(/,
  /^\s*(?:(?:private|public|internal|override|suspend)\s+)*fun\s+(?:<[^>]*>\s*)?(?:[\w.]+\.)?([A-Za-z_]\w*)/,
];
const C: Pattern[] = [
  /^(?:static\s+|inline\s+|extern\s+|const\s+|unsigned\s+|struct\s+)*[A-Za-z_][\w:<>*& ]*[\s*&]([A-Za-z_]\w*)\s*\([^;]*$/,
  /^\s*(?:typedef\s+)?(?:struct|class|enum|union|namespace)\s+([A-Za-z_]\w*)/,
  /^#define\s+([A-Za-z_]\w*)/,
];
const RUBY: Pattern[] = [
  /^\s*def\s+(?:self\.)?([A-Za-z_]\w*[?!]?)/,
  /^\s*(?:class|module)\s+([A-Z]\w*)/,
];
const PHP: Pattern[] = [
  /^\s*(?:(?:public|private|protected|static|abstract|final)\s+)*function\s+([A-Za-z_]\w*)/,
  /^\s*(?:abstract\s+|final\s+)?(?:class|interface|trait|enum)\s+([A-Za-z_]\w*)/,
];
const SH: Pattern[] = [/^\s*(?:function\s+)?([A-Za-z_][\w-]*)\s*\(\)\s*\{?/];

const LANGUAGES: Record<string, { language: string; patterns: Pattern[] }> = {
  ts: { language: "typescript", patterns: TS },
  tsx: { language: "typescript", patterns: TS },
  mts: { language: "typescript", patterns: TS },
  js: { language: "javascript", patterns: TS },
  jsx: { language: "javascript", patterns: TS },
  mjs: { language: "javascript", patterns: TS },
  cjs: { language: "javascript", patterns: TS },
  py: { language: "python", patterns: PY },
  go: { language: "go", patterns: GO },
  rs: { language: "rust", patterns: RUST },
  java: { language: "java", patterns: JAVA },
  kt: { language: "kotlin", patterns: JAVA },
  cs: { language: "csharp", patterns: JAVA },
  c: { language: "c", patterns: C },
  h: { language: "c", patterns: C },
  cc: { language: "cpp", patterns: C },
  cpp: { language: "cpp", patterns: C },
  hpp: { language: "cpp", patterns: C },
  rb: { language: "ruby", patterns: RUBY },
  php: { language: "php", patterns: PHP },
  sh: { language: "shell", patterns: SH },
  bash: { language: "shell", patterns: SH },
};

/** Words that are never useful references. */
const STOP = new Set(
  ("the and for not new var let const function return class def import from export type this self " +
    "true false null none nil void int str string number bool boolean async await else elif while " +
    "with pass break continue public private protected static final struct impl pub use mod")
    .split(" "),
);

/** Longest line looked at (longer lines are minified or data). */
const MAX_LINE = 400;

/** The language of a path by extension, or null when the map does not extract it. */
export function languageOf(path: string): string | null {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase() ?? "";
  return LANGUAGES[ext]?.language ?? null;
}

/** Definitions and references of `text` (the file at `path`). Deterministic. */
export function extractSymbols(path: string, text: string): FileSymbols {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase() ?? "";
  const spec = LANGUAGES[ext];
  const definitions: Definition[] = [];
  const refs = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length > MAX_LINE) continue;
    if (spec) {
      for (const p of spec.patterns) {
        const m = p.exec(line);
        const name = m?.[1];
        if (name && !STOP.has(name.toLowerCase())) {
          definitions.push({ name, line: i + 1, signature: line.trim().slice(0, 120) });
          break;
        }
      }
    }
    for (const word of line.match(/[A-Za-z_][\w]{2,}/g) ?? []) {
      if (!STOP.has(word.toLowerCase())) refs.add(word);
    }
  }
  return { language: spec?.language ?? "text", definitions, references: [...refs].sort() };
}
