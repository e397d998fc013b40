/**
 * Syntax analyzers for JSON and JavaScript/TypeScript, with real parsers (a
 * bracket counter misreads brackets in strings, comments and regexes).
 *
 * @module
 */
import type { ParserPlugin } from "@babel/parser";
import { type Finding, validatorFinding } from "./finding.ts";
import { extensionOf } from "./source_lexer.ts";

/** 1-based line and column of `offset` in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lastNl = before.lastIndexOf("\n");
  return { line: before.split("\n").length, column: offset - lastNl };
}

function jsonErrorOffset(message: string, text: string): number | null {
  const position = /position (\d+)/i.exec(message);
  if (position) return Number(position[1]);
  const lineCol = /line (\d+) column (\d+)/i.exec(message);
  if (lineCol) {
    const lines = text.split("\n").slice(0, Number(lineCol[1]) - 1);
    return lines.reduce((sum, l) => sum + l.length + 1, 0) + Number(lineCol[2]) - 1;
  }
  if (/end of (json )?input/i.test(message)) return text.length;
  return null;
}

/** Checks that a `.json` file parses; returns a major `json_parse_error` or null. */
export function checkJson(path: string, text: string): Finding | null {
  try {
    JSON.parse(text);
    return null;
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    const offset = jsonErrorOffset(raw, text);
    const where = offset === null ? "" : (() => {
      const { line, column } = lineColumnAt(text, offset);
      return ` at line ${line}, column ${column}`;
    })();
    const reason = raw.replace(/\s*(in JSON )?at position \d+.*$/i, "").replace(/\s*\(line.*$/, "");
    return validatorFinding({
      severity: "major",
      file_path: path,
      issue_class: "json_parse_error",
      message: `Cannot parse "${path}"${where}: ${reason}`,
      fix_hint: "Fix the JSON syntax (JSON allows no trailing commas and no comments).",
      analyzer_id: "json_structure",
      analyzer_kind: "ast",
      confidence: 0.94,
    });
  }
}

const SCRIPT_EXTENSIONS: Record<string, ParserPlugin[]> = {
  ts: ["typescript", "decorators-legacy"],
  mts: ["typescript", "decorators-legacy"],
  cts: ["typescript", "decorators-legacy"],
  tsx: ["typescript", "jsx", "decorators-legacy"],
  js: ["jsx"],
  jsx: ["jsx"],
  mjs: ["jsx"],
  cjs: ["jsx"],
};

/** True when `path` is a JavaScript/TypeScript file this analyzer understands. */
export function isScriptPath(path: string): boolean {
  return extensionOf(path) in SCRIPT_EXTENSIONS;
}

interface BabelError {
  message: string;
  loc?: { line: number; column: number };
}

let babel: Promise<typeof import("@babel/parser")> | undefined;

/**
 * Parses a JavaScript/TypeScript file with `@babel/parser` (plugins chosen by
 * extension); returns a major `<language>_syntax_error` with line:col, or null.
 * The parser (a large module) loads on the first script checked, so a run
 * that never validates one does not pay for it at startup.
 */
export async function checkScript(path: string, text: string): Promise<Finding | null> {
  const ext = extensionOf(path);
  const plugins = SCRIPT_EXTENSIONS[ext];
  if (!plugins) return null;
  const { parse } = await (babel ??= import("@babel/parser"));
  try {
    parse(text, {
      sourceType: "unambiguous",
      sourceFilename: path,
      plugins,
      allowReturnOutsideFunction: ext === "cjs" || ext === "js",
      allowAwaitOutsideFunction: true,
      errorRecovery: false,
    });
    return null;
  } catch (err) {
    const { message, loc } = err as BabelError;
    const language = plugins.includes("typescript") ? "typescript" : "javascript";
    const where = loc ? `${loc.line}:${loc.column + 1}` : "?";
    const reason = String(message).replace(/\s*\(\d+:\d+\)\s*$/, "");
    return validatorFinding({
      severity: "major",
      file_path: path,
      issue_class: `${language}_syntax_error`,
      message: `Cannot parse "${path}:${where}": ${reason}`,
      fix_hint: "Fix the syntax error (unclosed braces, brackets or strings are common causes).",
      analyzer_id: "babel_parser",
      analyzer_kind: "ast",
      confidence: 0.95,
    });
  }
}
