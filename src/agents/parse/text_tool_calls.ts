/**
 * Tool calls printed as text, for models without native tool calling or
 * whose calls the server failed to parse (servers.md §1.3). Recognised:
 * LM Studio `[TOOL_REQUEST]…[END_TOOL_REQUEST]`, Hermes/Qwen
 * `<tool_call>…</tool_call>`, Qwen3-coder `<function=f><parameter=p>…`,
 * Llama `<function=f>{json}</function>`, Mistral `[TOOL_CALLS][…]`, fenced
 * `{"name", "arguments"}` JSON, `--- FILE: p ---` blocks and path-labelled
 * fences (→ `file_write`), and aider SEARCH/REPLACE blocks (→ `file_patch`).
 *
 * @module
 */
import { repairJson } from "./json_repair.ts";

/** One tool call recovered from text. */
export interface TextToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** Result of {@linkcode parseTextToolCalls}. */
export interface TextToolCalls {
  /** Calls in the order they appear. */
  calls: TextToolCall[];
  /** The reply with every recognised call removed. */
  text: string;
}

interface Hit {
  start: number;
  end: number;
  calls: TextToolCall[];
}

type Extractor = (text: string) => Hit[];

function asObject(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v)
    ? v as Record<string, unknown>
    : undefined;
}

/** Turns `{"name", "arguments"}` JSON (or a list of them) into calls. */
function jsonCalls(body: string): TextToolCall[] {
  const parsed = repairJson(body.trim())?.value;
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const calls: TextToolCall[] = [];
  for (const item of items) {
    const o = asObject(item);
    const fn = asObject(o?.function) ?? o;
    const name = fn?.name ?? fn?.tool ?? fn?.tool_name;
    if (typeof name !== "string" || !name) continue;
    let args = fn?.arguments ?? fn?.parameters ?? fn?.args ?? fn?.input ?? {};
    if (typeof args === "string") args = repairJson(args)?.value ?? { input: args };
    calls.push({ name, arguments: asObject(args) ?? {} });
  }
  return calls;
}

/** Parses `<function=name>…</function>` bodies (XML parameters or JSON). */
function functionCall(name: string, body: string): TextToolCall {
  const params = [...body.matchAll(/<parameter=([^>\s]+)>\n?([\s\S]*?)\n?<\/parameter>/g)];
  if (params.length === 0) {
    return { name, arguments: asObject(repairJson(body.trim() || "{}")?.value) ?? {} };
  }
  const args: Record<string, unknown> = {};
  for (const [, key, value] of params) {
    const v = value ?? "";
    const asJson = /^\s*(-?\d+(\.\d+)?|true|false|null)\s*$/.test(v) ? JSON.parse(v.trim()) : v;
    args[key!] = asJson;
  }
  return { name, arguments: args };
}

function regexHits(re: RegExp, toCalls: (m: RegExpMatchArray) => TextToolCall[]): Extractor {
  return (text) =>
    [...text.matchAll(re)].map((m) => ({
      start: m.index!,
      end: m.index! + m[0].length,
      calls: toCalls(m),
    }))
      .filter((h) => h.calls.length > 0);
}

const LANGS = new Set(
  [
    "json ts typescript js javascript python py bash sh shell text txt diff html css yaml yml ",
    "tsx jsx go rust java c cpp sql toml markdown md",
  ].join("").split(" "),
);

/** Returns the file path named by a fence info string, if any. */
export function fencePath(info: string): string | undefined {
  for (const token of info.trim().split(/[\s:=]+/)) {
    const t = token.replace(/^["'`]|["'`]$/g, "").replace(/^(?:file|path|title)=/, "");
    if (!t || LANGS.has(t.toLowerCase())) continue;
    if (/^[\w./-]+$/.test(t) && (t.includes("/") || /\.[A-Za-z0-9]{1,8}$/.test(t))) return t;
  }
  return undefined;
}

function unfence(content: string): string {
  const m = content.match(/^\s*```[^\n]*\n([\s\S]*?)\n?```\s*$/);
  return m ? m[1]! + "\n" : content;
}

function cleanPath(line: string): string {
  return line.trim().replace(/^(?:#+\s*|[*_`]+|file:\s*|path:\s*)/i, "").replace(/[*_`:]+$/, "")
    .trim();
}

/** aider SEARCH/REPLACE blocks, optionally fenced, path on the line before. */
const searchReplace: Extractor = (text) => {
  const re =
    /(?:^|\n)((?:[^\n]*\n)?)(```[^\n]*\n)?<{5,9} SEARCH[^\n]*\n([\s\S]*?)\n?={5,9}\n([\s\S]*?)\n?>{5,9} REPLACE[^\n]*(\n```)?/g;
  const hits: Hit[] = [];
  let lastPath = "";
  for (const m of text.matchAll(re)) {
    const pathLine = cleanPath(m[1] ?? "");
    const fromFence = fencePath((m[2] ?? "").replace(/^```/, ""));
    const path = (/^[\w./-]+$/.test(pathLine) && pathLine) || fromFence || lastPath;
    lastPath = path;
    hits.push({
      start: m.index!,
      end: m.index! + m[0].length,
      calls: [{ name: "file_patch", arguments: { path, search: m[3] ?? "", replace: m[4] ?? "" } }],
    });
  }
  return hits;
};

const EXTRACTORS: Extractor[] = [
  searchReplace,
  regexHits(
    // The newline before the END marker ends the file's last line: it is content.
    /---+\s*FILE:\s*([^\n]+?)\s*-*\s*\n([\s\S]*?)---+\s*END\s+FILE\s*-*/gi,
    (m) => [{ name: "file_write", arguments: { path: cleanPath(m[1]!), content: unfence(m[2]!) } }],
  ),
  regexHits(/\[TOOL_REQUEST\]([\s\S]*?)(?:\[END_TOOL_REQUEST\]|$)/g, (m) => jsonCalls(m[1]!)),
  regexHits(/<tool_call>([\s\S]*?)(?:<\/tool_call>|$)/g, (m) => {
    const fn = m[1]!.match(/<function=([^>\s]+)>([\s\S]*?)(?:<\/function>|$)/);
    return fn ? [functionCall(fn[1]!, fn[2]!)] : jsonCalls(m[1]!);
  }),
  regexHits(
    /<function=([^>\s]+)>([\s\S]*?)(?:<\/function>|$)/g,
    (m) => [functionCall(m[1]!, m[2]!)],
  ),
  regexHits(/\[TOOL_CALLS\]\s*(\[[\s\S]*\])/g, (m) => jsonCalls(m[1]!)),
  regexHits(/```(?:json|tool_call|tool)?[ \t]*\n(\s*[[{][\s\S]*?)\n?```/g, (m) => {
    const calls = jsonCalls(m[1]!);
    return calls.every((c) => /^[\w.-]+$/.test(c.name)) &&
        /"?(arguments|parameters)"?\s*:/.test(m[1]!)
      ? calls
      : [];
  }),
  regexHits(/```([^\n`]*)\n([\s\S]*?)\n```/g, (m) => {
    const path = fencePath(m[1]!);
    return path ? [{ name: "file_write", arguments: { path, content: m[2]! + "\n" } }] : [];
  }),
];

/**
 * Extracts every text tool call from a reply.
 *
 * @example
 * ```ts
 * import { parseTextToolCalls } from "./text_tool_calls.ts";
 * const r = parseTextToolCalls('<tool_call>{"name": "file_read", "arguments": {"path": "a.ts"}}</tool_call>');
 * r.calls; // [{ name: "file_read", arguments: { path: "a.ts" } }]
 * ```
 */
export function parseTextToolCalls(reply: string): TextToolCalls {
  const taken: Hit[] = [];
  for (const extract of EXTRACTORS) {
    for (const hit of extract(reply)) {
      if (!taken.some((t) => hit.start < t.end && t.start < hit.end)) taken.push(hit);
    }
  }
  taken.sort((a, b) => a.start - b.start);
  let text = "";
  let pos = 0;
  for (const hit of taken) {
    text += reply.slice(pos, hit.start);
    pos = hit.end;
  }
  text += reply.slice(pos);
  return {
    calls: taken.flatMap((h) => h.calls),
    text: text.replace(/\n{3,}/g, "\n\n").trim(),
  };
}

/** True when a reply looks like it tried to call a tool (even if unparseable). */
export function looksLikeToolCall(reply: string): boolean {
  return /\[TOOL_REQUEST\]|<tool_call>|<function=|\[TOOL_CALLS\]/.test(reply);
}
