/**
 * Tolerant JSON extraction from free-form model replies: reasoning blocks,
 * code fences and prose around the JSON are ignored; every top-level array or
 * object is found with a string-aware bracket scanner and parsed (with
 * repair, see {@linkcode repairJson}).
 *
 * @module
 */
import { repairJson } from "../../parse/json_repair.ts";
import { stripThink } from "./think.ts";

/** One JSON value found in a reply. */
export interface JsonCandidate {
  /** The parsed value. */
  value: unknown;
  /** True when the JSON was cut off and closed by the repair step. */
  truncated: boolean;
  /** True when the text was not valid JSON as written. */
  repaired: boolean;
  /** The raw text the value was parsed from. */
  source: string;
}

/** Options of {@linkcode extractJsonCandidates}. */
export interface ExtractOptions {
  /** Rank values of this kind first (default: no preference). */
  prefer?: "array" | "object";
  /** Keep `<think>` blocks (default false: they are removed first). */
  keepThink?: boolean;
}

/** A bracketed span of the input text. */
export interface JsonSpan {
  start: number;
  /** Index after the closing bracket (or text length when unclosed). */
  end: number;
  closed: boolean;
}

/**
 * Finds every top-level `[...]` / `{...}` span. Brackets inside double- or
 * single-quoted strings (once inside a span) are ignored.
 */
export function scanJsonSpans(text: string): JsonSpan[] {
  const spans: JsonSpan[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== "[" && c !== "{") {
      i++;
      continue;
    }
    const start = i;
    const stack: string[] = [];
    let quote = "";
    let prev = "";
    for (; i < text.length; i++) {
      const ch = text[i]!;
      if (quote) {
        if (ch === "\\") i++;
        else if (ch === quote) quote = "";
        continue;
      }
      if (ch === '"' || (ch === "'" && /[[{,:]/.test(prev))) quote = ch;
      else if (ch === "[" || ch === "{") stack.push(ch === "[" ? "]" : "}");
      else if (ch === "]" || ch === "}") {
        if (stack[stack.length - 1] === ch) stack.pop();
        else if (!stack.includes(ch)) continue;
        else while (stack.length && stack.pop() !== ch);
        if (stack.length === 0) break;
      }
      if (!/\s/.test(ch)) prev = ch;
    }
    const closed = stack.length === 0 && i < text.length;
    spans.push({ start, end: closed ? i + 1 : text.length, closed });
    i = closed ? i + 1 : text.length;
  }
  return spans;
}

function kindOf(value: unknown): "array" | "object" | "other" {
  if (Array.isArray(value)) return "array";
  return value !== null && typeof value === "object" ? "object" : "other";
}

/**
 * Returns every JSON array/object in `text`, most likely first: complete
 * before truncated, preferred kind first, valid before repaired, then in
 * order of appearance. Scalars are not returned.
 *
 * @example
 * ```ts
 * import { extractJsonCandidates } from "./json_extract.ts";
 * const [first] = extractJsonCandidates("Sure!\n```json\n[{'a': 1,}]\n```");
 * first?.value; // [{ a: 1 }]
 * ```
 */
export function extractJsonCandidates(text: string, options: ExtractOptions = {}): JsonCandidate[] {
  const body = options.keepThink ? text : stripThink(text);
  const found: (JsonCandidate & { order: number })[] = [];
  const seen = new Set<string>();
  const add = (source: string, order: number): boolean => {
    const result = repairJson(source);
    if (!result || kindOf(result.value) === "other") return false;
    const key = JSON.stringify(result.value);
    if (seen.has(key)) return true;
    seen.add(key);
    const repaired = result.truncated || !isStrictJson(source);
    found.push({ ...result, repaired, source, order });
    return true;
  };
  for (const span of scanJsonSpans(body)) {
    const source = body.slice(span.start, span.end);
    // A span that failed as a whole may still contain valid inner values.
    if (!add(source, span.start)) {
      const inner = source.slice(1);
      for (const sub of scanJsonSpans(inner)) {
        add(inner.slice(sub.start, sub.end), span.start + 1 + sub.start);
      }
    }
  }
  const rank = (c: JsonCandidate) =>
    (c.truncated ? 4 : 0) + (options.prefer && kindOf(c.value) !== options.prefer ? 2 : 0) +
    (c.repaired ? 1 : 0);
  return found.sort((a, b) => rank(a) - rank(b) || a.order - b.order)
    .map(({ order: _order, ...c }) => c);
}

function isStrictJson(source: string): boolean {
  try {
    JSON.parse(source);
    return true;
  } catch {
    return false;
  }
}

/** Returns the most likely JSON value in `text` (see {@linkcode extractJsonCandidates}). */
export function extractJson(text: string, options: ExtractOptions = {}): JsonCandidate | undefined {
  return extractJsonCandidates(text, options)[0];
}
