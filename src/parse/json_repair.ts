/**
 * Repairs the almost-JSON that small models write: trailing commas, single
 * quotes, unquoted keys, Python literals, smart quotes, comments, raw newlines
 * inside strings, stray inner quotes, missing commas between objects, and
 * truncated output (open strings and brackets are closed and the incomplete
 * last element is dropped).
 *
 * @module
 */

/** Result of {@linkcode repairJson}. */
export interface RepairResult {
  /** The parsed value. */
  value: unknown;
  /** True when the text was cut off and had to be closed. */
  truncated: boolean;
}

const SMART_DOUBLE = new Set(["\u201c", "\u201d", "\u201e", "\u00ab", "\u00bb"]);
const SMART_SINGLE = new Set(["\u2018", "\u2019", "\u201a"]);
const LITERALS: Record<string, string> = {
  true: "true",
  false: "false",
  null: "null",
  True: "true",
  False: "false",
  None: "null",
  undefined: "null",
};

interface Frame {
  closer: "]" | "}";
  /** Inside an object: true after the key's `:` until the value ends. */
  inValue: boolean;
}

/** Internal state of one rewrite pass. */
class Rewriter {
  out = "";
  stack: Frame[] = [];
  /** Output positions where a depth-1 element ends (safe truncation points). */
  cuts: number[] = [];

  valueEnded(): void {
    const top = this.stack[this.stack.length - 1];
    if (top && this.stack.length === 1 && (top.closer === "]" || top.inValue)) {
      this.cuts.push(this.out.length);
    }
    if (top && top.closer === "}") top.inValue = false;
  }

  emitString(body: string): void {
    this.out += JSON.stringify(body);
    this.valueEnded();
  }

  trimTrailingComma(): void {
    this.out = this.out.replace(/[\s,]+$/, "");
  }

  needsComma(): boolean {
    return /[}\]]\s*$/.test(this.out) && this.stack.length > 0;
  }
}

/** Reads a quoted string starting after the opening quote; returns [body, end index, closed]. */
function readString(
  src: string,
  start: number,
  quote: '"' | "'" | "smart",
): [string, number, boolean] {
  let body = "";
  let i = start;
  while (i < src.length) {
    const c = src[i]!;
    if (c === "\\" && i + 1 < src.length) {
      const n = src[i + 1]!;
      const simple: Record<string, string> = {
        n: "\n",
        t: "\t",
        r: "\r",
        b: "\b",
        f: "\f",
        "/": "/",
        "\\": "\\",
        '"': '"',
        "'": "'",
      };
      if (n === "u" && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
        body += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      body += simple[n] ?? n;
      i += 2;
      continue;
    }
    const closes = quote === "smart"
      ? SMART_DOUBLE.has(c) || c === '"'
      : c === quote || (quote === "'" && SMART_SINGLE.has(c));
    if (closes) {
      // A double quote followed by more text (not a delimiter) is a stray inner quote.
      const after = src.slice(i + 1).match(/^\s*(.)/s)?.[1];
      if (quote !== '"' || after === undefined || ",:}]".includes(after)) {
        return [body, i + 1, true];
      }
    }
    body += c;
    i++;
  }
  return [body, i, false];
}

/**
 * Rewrites `src` into strict JSON text. Returns the text, the truncation cut
 * points and whether the input ended with open strings or brackets.
 */
function rewrite(src: string): { text: string; cuts: number[]; open: boolean; closers: string } {
  const w = new Rewriter();
  let i = 0;
  let open = false;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      w.out += c;
      i++;
    } else if (c === "/" && src[i + 1] === "/") {
      const nl = src.indexOf("\n", i);
      i = nl < 0 ? src.length : nl;
    } else if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      i = end < 0 ? src.length : end + 2;
    } else if (c === '"' || c === "'" || SMART_DOUBLE.has(c) || SMART_SINGLE.has(c)) {
      const quote = c === '"' ? '"' : c === "'" || SMART_SINGLE.has(c) ? "'" : "smart";
      const [body, end, closed] = readString(src, i + 1, quote);
      i = end;
      if (!closed) {
        // Close the string but register no cut: the element is incomplete.
        open = true;
        w.out += JSON.stringify(body);
        break;
      }
      const isKey = /^\s*:/.test(src.slice(i));
      if (isKey) w.out += JSON.stringify(body);
      else w.emitString(body);
    } else if (c === "{" || c === "[") {
      if (w.needsComma()) w.out += ",";
      w.out += c;
      w.stack.push({ closer: c === "{" ? "}" : "]", inValue: false });
      if (w.stack.length === 1) w.cuts.push(w.out.length);
      i++;
    } else if (c === "}" || c === "]") {
      w.trimTrailingComma();
      const frame = w.stack.pop();
      w.out += frame?.closer ?? c;
      i++;
      w.valueEnded();
      if (w.stack.length === 0) break;
    } else if (c === ":") {
      w.out += c;
      const top = w.stack[w.stack.length - 1];
      if (top) top.inValue = true;
      i++;
    } else if (c === ",") {
      if (!/[,[{]\s*$/.test(w.out)) w.out += c;
      i++;
    } else if (/[-0-9.]/.test(c)) {
      const num = src.slice(i).match(/^-?\d*\.?\d+(?:[eE][-+]?\d+)?/)?.[0];
      if (!num) {
        i++;
        continue;
      }
      w.out += num.replace(/^(-?)\./, "$10.");
      i += num.length;
      w.valueEnded();
    } else if (/[A-Za-z_$]/.test(c)) {
      const word = src.slice(i).match(/^[A-Za-z_$][\w$.-]*/)![0];
      i += word.length;
      const isKey = /^\s*:/.test(src.slice(i));
      if (isKey) w.out += JSON.stringify(word);
      else if (word in LITERALS) {
        w.out += LITERALS[word];
        w.valueEnded();
      } else w.emitString(word);
    } else {
      i++;
    }
  }
  if (w.stack.length > 0) open = true;
  const closers = w.stack.map((f) => f.closer).reverse().join("");
  return { text: w.out, cuts: w.cuts, open, closers };
}

/** Closes every bracket still open at `cut`, rebuilding the stack by scanning. */
function closeAt(text: string, cut: number): string {
  const head = text.slice(0, cut).replace(/[\s,:]+$/, "");
  const stack: string[] = [];
  let inString = false;
  for (let i = 0; i < head.length; i++) {
    const c = head[i]!;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") stack.push("}");
    else if (c === "[") stack.push("]");
    else if (c === "}" || c === "]") stack.pop();
  }
  return head + stack.reverse().join("");
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Parses `src` as JSON, repairing common model mistakes. Returns `undefined`
 * when nothing sensible can be recovered.
 *
 * @example
 * ```ts
 * import { repairJson } from "./json_repair.ts";
 * repairJson("{'a': True, b: [1, 2,],}"); // { value: { a: true, b: [1, 2] }, truncated: false }
 * ```
 */
export function repairJson(src: string): RepairResult | undefined {
  const strict = tryParse(src);
  if (strict.ok) return { value: strict.value, truncated: false };
  const { text, cuts, open } = rewrite(src);
  if (!open) {
    const parsed = tryParse(text);
    return parsed.ok ? { value: parsed.value, truncated: false } : undefined;
  }
  // Truncated: drop the incomplete last element, falling back to earlier cuts.
  for (let k = cuts.length - 1; k >= 0; k--) {
    const parsed = tryParse(closeAt(text, cuts[k]!));
    if (parsed.ok) return { value: parsed.value, truncated: true };
  }
  return undefined;
}
