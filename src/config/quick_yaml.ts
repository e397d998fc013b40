/**
 * A small reader for the plain YAML a `factory.yaml` usually is: block
 * mappings by indentation, `- item` lists of scalars, one-line flow mappings
 * and lists of scalars, comments, quoted and plain scalars of YAML 1.2's core
 * schema. It returns `undefined` for anything else (anchors, tags, block
 * scalars, multi-line values, duplicate keys, odd indentation, escapes), and
 * the caller then uses the full YAML library. Its point is start-up time: the
 * library is the largest module `lao status` would load.
 *
 * @module
 */

/** Why the reader gave up (caught inside this module only). */
class NotPlain extends Error {}

interface Line {
  indent: number;
  text: string;
}

const KEY = /^([A-Za-z_][A-Za-z0-9_.\-/]*):(?: (.*))?$/;
const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const TRUE = new Set(["true", "True", "TRUE"]);
const FALSE = new Set(["false", "False", "FALSE"]);
const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** Characters a plain scalar may not start with, and sequences it may not hold. */
const PLAIN_START = /^[-?:,[\]{}#&*!|>'"%@`]/;

/** The document as plain data (null when empty), or undefined when it is not plain YAML. */
export function quickYaml(text: string): unknown {
  try {
    const lines = splitLines(text);
    if (lines.length === 0) return null;
    if (lines[0]!.indent !== 0) return undefined;
    const [value, next] = block(lines, 0, 0);
    return next === lines.length ? value : undefined;
  } catch (err) {
    if (err instanceof NotPlain) return undefined;
    throw err;
  }
}

function splitLines(text: string): Line[] {
  const out: Line[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (/\t/.test(line) || /^(---|\.\.\.|%)/.test(line)) throw new NotPlain();
    const body = stripComment(line);
    if (body.trim() === "") continue;
    const indent = body.length - body.trimStart().length;
    out.push({ indent, text: body.trim() });
  }
  return out;
}

/** The line without its comment; quotes are honoured. */
function stripComment(line: string): string {
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = "";
    } else if ((c === '"' || c === "'") && opensQuote(line, i)) {
      quote = c;
    } else if (c === "#" && (i === 0 || line[i - 1] === " ")) {
      return line.slice(0, i);
    }
  }
  if (quote) throw new NotPlain();
  return line;
}

/** True when the quote at `i` starts a scalar (not an apostrophe inside a plain one). */
function opensQuote(text: string, i: number): boolean {
  const before = text.slice(0, i).trimEnd();
  return before === "" || ":-[{,".includes(before[before.length - 1]!);
}

/** Reads the block starting at `i` whose lines are indented by `indent`. */
function block(lines: Line[], i: number, indent: number): [unknown, number] {
  if (lines[i]!.text.startsWith("- ") || lines[i]!.text === "-") return list(lines, i, indent);
  const map: Record<string, unknown> = {};
  while (i < lines.length && lines[i]!.indent === indent) {
    const m = KEY.exec(lines[i]!.text);
    if (!m) throw new NotPlain();
    const key = m[1]!;
    if (Object.hasOwn(map, key) || key === "__proto__") throw new NotPlain();
    const rest = (m[2] ?? "").trim();
    i++;
    if (rest !== "") {
      map[key] = value(rest);
    } else if (i < lines.length && lines[i]!.indent > indent) {
      [map[key], i] = block(lines, i, lines[i]!.indent);
    } else if (i < lines.length && lines[i]!.indent === indent && lines[i]!.text.startsWith("-")) {
      throw new NotPlain(); // a list at the key's own indentation
    } else {
      map[key] = null;
    }
  }
  if (i < lines.length && lines[i]!.indent > indent) throw new NotPlain();
  return [map, i];
}

function list(lines: Line[], i: number, indent: number): [unknown, number] {
  const items: unknown[] = [];
  while (i < lines.length && lines[i]!.indent === indent) {
    const t = lines[i]!.text;
    if (!(t.startsWith("- ") || t === "-")) throw new NotPlain();
    const rest = t.slice(1).trim();
    if (rest === "" || KEY.test(rest) || rest.startsWith("- ")) throw new NotPlain();
    items.push(value(rest));
    i++;
  }
  if (i < lines.length && lines[i]!.indent > indent) throw new NotPlain();
  return [items, i];
}

/** A value on one line: a flow mapping, a flow list or a scalar. */
function value(text: string): unknown {
  if (text.startsWith("{")) return flow(text, "{", "}");
  if (text.startsWith("[")) return flow(text, "[", "]");
  return scalar(text);
}

function flow(text: string, open: string, close: string): unknown {
  if (!text.endsWith(close)) throw new NotPlain();
  const inner = text.slice(1, -1).trim();
  const parts = inner === "" ? [] : splitFlow(inner);
  if (open === "[") return parts.map(scalar);
  const map: Record<string, unknown> = {};
  for (const part of parts) {
    const m = /^([A-Za-z_][A-Za-z0-9_.\-/]*): (.*)$/.exec(part);
    if (!m || Object.hasOwn(map, m[1]!) || m[1] === "__proto__") throw new NotPlain();
    map[m[1]!] = scalar(m[2]!.trim());
  }
  return map;
}

/** Splits a flow collection's inside at commas outside quotes; no nesting. */
function splitFlow(inner: string): string[] {
  const parts: string[] = [];
  let quote = "";
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (quote) {
      if (c === quote) quote = "";
    } else if ((c === '"' || c === "'") && opensQuote(inner, i)) {
      quote = c;
    } else if ("{}[]".includes(c)) {
      throw new NotPlain();
    } else if (c === ",") {
      parts.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = inner.slice(start).trim();
  if (last === "") throw new NotPlain(); // a trailing comma or an empty entry
  parts.push(last);
  if (parts.some((p) => p === "")) throw new NotPlain();
  return parts;
}

/** One scalar of the core schema; quoted strings without escapes. */
function scalar(text: string): unknown {
  if (text.startsWith('"')) {
    if (text.length < 2 || !text.endsWith('"')) throw new NotPlain();
    const body = text.slice(1, -1);
    if (/["\\]/.test(body)) throw new NotPlain();
    return body;
  }
  if (text.startsWith("'")) {
    if (text.length < 2 || !text.endsWith("'")) throw new NotPlain();
    const body = text.slice(1, -1);
    if (body.replaceAll("''", "").includes("'")) throw new NotPlain();
    return body.replaceAll("''", "'");
  }
  if (NULLS.has(text)) return null;
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  if (INT.test(text) || FLOAT.test(text)) {
    const n = Number(text);
    if (!Number.isSafeInteger(n) && INT.test(text)) throw new NotPlain();
    return n;
  }
  if (PLAIN_START.test(text) || /: |:$| #|[{}[\]]/.test(text)) throw new NotPlain();
  if (/^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/.test(text) || /^0[ox]/.test(text)) {
    throw new NotPlain();
  }
  return text;
}
