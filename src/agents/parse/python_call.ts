/**
 * Tool calls written as Python calls, the convention of Gemma (```tool_code```),
 * Llama 3.2+ "pythonic" calls (`[f(a=1), g()]`) and `<|python_tag|>`:
 * `name(key="value", n=3, flag=True)`, optionally wrapped in `print(...)` or
 * namespaced (`default_api.`, `functions.`). Literals are read without
 * evaluating anything.
 *
 * @module
 */
import { repairJson } from "../../parse/json_repair.ts";

/** One call read from Python syntax; positional arguments are kept in order. */
export interface PythonCall {
  name: string;
  keywords: Record<string, unknown>;
  positional: unknown[];
}

class Reader {
  constructor(readonly src: string, public i = 0) {}
  ws(): void {
    while (this.i < this.src.length && /\s/.test(this.src[this.i]!)) this.i++;
  }
  peek(): string {
    return this.src[this.i] ?? "";
  }
  eat(ch: string): boolean {
    this.ws();
    if (this.src.startsWith(ch, this.i)) {
      this.i += ch.length;
      return true;
    }
    return false;
  }
  name(): string | undefined {
    this.ws();
    const m = this.src.slice(this.i).match(/^[A-Za-z_][\w.]*/);
    if (!m) return undefined;
    this.i += m[0].length;
    return m[0];
  }
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0" };

function readString(r: Reader): string | undefined {
  const prefix = r.src.slice(r.i).match(/^[rRbBuUfF]{0,2}(?=["'])/)?.[0] ?? "";
  const raw = /r/i.test(prefix);
  r.i += prefix.length;
  const q = r.peek();
  if (q !== '"' && q !== "'") return undefined;
  const triple = r.src.startsWith(q.repeat(3), r.i);
  const close = triple ? q.repeat(3) : q;
  r.i += close.length;
  let out = "";
  while (r.i < r.src.length) {
    if (r.src.startsWith(close, r.i)) {
      r.i += close.length;
      return out;
    }
    const c = r.src[r.i]!;
    if (c === "\\" && !raw && r.i + 1 < r.src.length) {
      const n = r.src[r.i + 1]!;
      out += ESCAPES[n] ?? n;
      r.i += 2;
      continue;
    }
    if (c === "\n" && !triple) return undefined;
    out += c;
    r.i++;
  }
  return undefined;
}

/** Index after the bracketed literal starting at `start`, respecting quotes. */
function bracketEnd(src: string, start: number): number {
  const stack: string[] = [];
  let quote = "";
  for (let i = start; i < src.length; i++) {
    const c = src[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if ("([{".includes(c)) stack.push(c === "(" ? ")" : c === "[" ? "]" : "}");
    else if (")]}".includes(c)) {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i + 1;
    }
  }
  return -1;
}

function readValue(r: Reader): { value: unknown } | undefined {
  r.ws();
  const c = r.peek();
  if (/["'rRbBuUfF]/.test(c)) {
    const save = r.i;
    const s = readString(r);
    if (s !== undefined) return { value: s };
    r.i = save;
  }
  if ("([{".includes(c) && c) {
    const end = bracketEnd(r.src, r.i);
    if (end < 0) return undefined;
    let text = r.src.slice(r.i, end);
    if (c === "(") text = `[${text.slice(1, -1)}]`;
    r.i = end;
    const parsed = repairJson(text);
    return parsed ? { value: parsed.value } : undefined;
  }
  const m = r.src.slice(r.i).match(/^[^,()\n]+/);
  if (!m) return undefined;
  r.i += m[0].length;
  const token = m[0].trim();
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(token)) return { value: Number(token) };
  const literal: Record<string, unknown> = { True: true, False: false, None: null };
  if (token in literal) return { value: literal[token] };
  return /^[\w./-]+$/.test(token) ? { value: token } : undefined;
}

/** Reads `name(args)` at the reader's position. */
function readCall(r: Reader): PythonCall | undefined {
  const name = r.name();
  if (!name || !r.eat("(")) return undefined;
  const call: PythonCall = { name, keywords: {}, positional: [] };
  while (!r.eat(")")) {
    r.ws();
    const save = r.i;
    const key = r.name();
    if (key && r.eat("=") && r.peek() !== "=") {
      const v = readValue(r);
      if (!v) return undefined;
      call.keywords[key] = v.value;
    } else {
      r.i = save;
      const v = readValue(r);
      if (!v) return undefined;
      call.positional.push(v.value);
    }
    if (!r.eat(",") && (r.ws(), r.peek() !== ")")) return undefined;
  }
  const inner = call.name === "print" && call.positional.length === 0 ? undefined : call;
  return inner;
}

/**
 * Reads every call in `src`, which must contain nothing else: one call per
 * line, or a `[a(...), b(...)]` list; `print(f(...))` is unwrapped. Returns
 * `undefined` when `src` is not purely calls.
 */
export function parsePythonCalls(src: string): PythonCall[] | undefined {
  const r = new Reader(src.trim());
  const calls: PythonCall[] = [];
  const list = r.eat("[");
  while (r.ws(), r.i < r.src.length) {
    if (list && r.eat("]")) break;
    const save = r.i;
    const head = r.name();
    if (head === "print" && r.eat("(")) {
      const inner = readCall(r);
      if (!inner || !r.eat(")")) return undefined;
      calls.push(inner);
    } else {
      r.i = save;
      const call = readCall(r);
      if (!call) return undefined;
      calls.push(call);
    }
    r.eat(",") || r.eat(";");
  }
  r.ws();
  if (r.i < r.src.length || calls.length === 0) return undefined;
  return calls;
}
