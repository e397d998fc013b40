/**
 * Tool calls printed as text, for models without native tool calling or
 * whose calls the server failed to parse (it then returns them as plain
 * content). Recognised:
 * LM Studio `[TOOL_REQUEST]…[END_TOOL_REQUEST]`; Hermes/Qwen 2.5/3
 * `<tool_call>{json}</tool_call>` (also doubled, unclosed, fenced inside);
 * Qwen3-Coder `<function=f><parameter=p>…`; Llama `<function=f>{json}`,
 * `<|python_tag|>` and bare `{"name", "parameters"}` JSON; Mistral/Devstral
 * `[TOOL_CALLS]`; gpt-oss harmony; DeepSeek R1/V3 tool tokens; Gemma
 * ```tool_code``` Python calls and FunctionGemma; fenced JSON calls;
 * `--- FILE: p ---` blocks and path-labelled fences (→ `file_write`), and
 * aider SEARCH/REPLACE blocks (→ `file_patch`). Calls written inside a
 * `<think>` block count only when the reply has no other call.
 *
 * @module
 */
import { canonicalToolName } from "../../tools/tool_names.ts";
import {
  deepseek,
  type Extractor,
  functionCall,
  functionGemma,
  functionTags,
  harmony,
  type Hit,
  mistral,
  pythonTag,
} from "./family_formats.ts";
import { scanJsonSpans } from "./json_extract.ts";
import { repairJson } from "../../parse/json_repair.ts";
import { parsePythonCalls } from "./python_call.ts";
import {
  callsFromValue,
  fromPythonCall,
  isCallObject,
  jsonAt,
  type TextToolCall,
} from "./tool_call_json.ts";

export type { TextToolCall } from "./tool_call_json.ts";

/** Result of {@linkcode parseTextToolCalls}. */
export interface TextToolCalls {
  /** Calls in the order they appear. */
  calls: TextToolCall[];
  /** The reply with every recognised call removed. */
  text: string;
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

/** Calls in the body of a `<tool_call>`-like wrapper: XML, JSON (maybe fenced), Python. */
function wrappedCalls(body: string): TextToolCall[] {
  const inner = body.replace(/<\|?\/?(?:tool_calls?|function_calls?|functioncall|tools)\|?>/g, "");
  const fn = inner.match(/<function=\s*["']?([\w.:-]+)["']?\s*>([\s\S]*?)(?:<\/function\s*>|$)/);
  if (fn) return [functionCall(fn[1]!, fn[2]!)];
  const calls: TextToolCall[] = [];
  for (const span of scanJsonSpans(inner)) {
    const value = repairJson(inner.slice(span.start, span.end))?.value;
    calls.push(...callsFromValue(value));
  }
  if (calls.length) return calls;
  const unfenced = inner.replace(/^\s*```[\w-]*\s*\n?|\n?```\s*$/g, "");
  return (parsePythonCalls(unfenced) ?? []).map(fromPythonCall);
}

const TAG = "tool_calls?|function_calls?|functioncall|tools";
/** `<tool_call>…</tool_call>` and its relatives; an unclosed one runs to its JSON's end. */
const wrapperTags: Extractor = (text) => {
  const open = new RegExp(`<\\|?(${TAG})\\|?>`, "g");
  const hits: Hit[] = [];
  let skipUntil = 0;
  for (const m of text.matchAll(open)) {
    if (m.index! < skipUntil) continue;
    const from = m.index! + m[0].length;
    const close = new RegExp(`<\\|?\\/(?:${TAG})\\|?>`, "g");
    close.lastIndex = from;
    const nextOpen = new RegExp(`<\\|?(?:${TAG})\\|?>`, "g");
    nextOpen.lastIndex = from;
    const c = close.exec(text);
    let o = nextOpen.exec(text);
    // A doubled wrapper (`<tool_call><tool_call>{…}`) opens again right away.
    while (o && !text.slice(from, o.index).trim()) o = nextOpen.exec(text);
    let end: number;
    let body: string;
    if (c && (!o || c.index < o.index)) {
      body = text.slice(from, c.index);
      end = c.index + c[0].length;
      // Swallow closing tags of a doubled wrapper.
      const extra = text.slice(end).match(new RegExp(`^(?:\\s*<\\|?\\/(?:${TAG})\\|?>)+`));
      if (extra) end += extra[0].length;
    } else {
      const stop = o ? o.index : text.length;
      const at = jsonAt(
        text.slice(0, stop).replace(
          new RegExp(`<\\|?(?:${TAG})\\|?>`, "g"),
          (s) => " ".repeat(s.length),
        ),
        from,
      );
      end = at ? at.end : stop;
      body = text.slice(from, end);
    }
    const calls = wrappedCalls(body);
    if (calls.length) hits.push({ start: m.index!, end, calls });
    skipUntil = end;
  }
  return hits;
};

/** Fence languages whose JSON body is a call. */
const CALL_FENCES = /^(?:json5?|jsonc|tool_calls?|tool|tool_code|function_calls?|functions?|)$/i;

/** Fenced calls: JSON (`{"name", "arguments"}`) or, in ```tool_code``` / for known tools, Python. */
const fencedCalls: Extractor = (text) => {
  const hits: Hit[] = [];
  for (const m of text.matchAll(/```([\w-]*)[ \t]*\n([\s\S]*?)\n?```/g)) {
    const lang = m[1]!.toLowerCase();
    const body = m[2]!;
    let calls: TextToolCall[] = [];
    if (CALL_FENCES.test(lang) && /^\s*[[{]/.test(body)) {
      const value = repairJson(body.trim())?.value;
      const found = callsFromValue(value);
      const named = /"?(arguments|parameters|function|tool_calls)"?\s*:/.test(body);
      if (found.every((c) => /^[\w.-]+$/.test(c.name)) && (named || found.every(known))) {
        calls = found;
      }
    } else if (lang === "tool_code" || /^(?:python|py|)$/.test(lang)) {
      const parsed = (parsePythonCalls(body) ?? []).map(fromPythonCall);
      if (lang === "tool_code" || (parsed.length && parsed.every(known))) calls = parsed;
    }
    if (calls.length) hits.push({ start: m.index!, end: m.index! + m[0].length, calls });
  }
  return hits;
};

const known = (c: TextToolCall) => canonicalToolName(c.name) !== undefined;

/** JSON calls outside any wrapper (Llama 3.x answers `{"name": …, "parameters": …}`). */
const bareJson: Extractor = (text) =>
  scanJsonSpans(text).flatMap((span) => {
    const value = repairJson(text.slice(span.start, span.end))?.value;
    const items = Array.isArray(value) ? value : [value];
    if (items.length === 0 || !items.every(isCallObject)) return [];
    return [{ start: span.start, end: span.end, calls: callsFromValue(value) }];
  });

/** Python calls of known tools on lines of their own (`[file_read(path="a")]`). */
const barePython: Extractor = (text) => {
  const hits: Hit[] = [];
  for (const m of text.matchAll(/^[ \t]*\[?[ \t]*(?:print\()?[\w.]+\([^\n]*\)?\]?[ \t]*$/gm)) {
    const calls = (parsePythonCalls(m[0]) ?? []).map(fromPythonCall);
    if (calls.length && calls.every(known)) {
      hits.push({ start: m.index!, end: m.index! + m[0].length, calls });
    }
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
  regexHits(
    /\[TOOL_REQUEST\]([\s\S]*?)(?:\[END_TOOL_REQUEST\]|$)/g,
    (m) => callsFromValue(jsonAt(m[1]!, 0)?.value),
  ),
  harmony,
  deepseek,
  functionGemma,
  wrapperTags,
  functionTags,
  mistral,
  pythonTag,
  fencedCalls,
  bareJson,
  barePython,
  regexHits(/```([^\n`]*)\n([\s\S]*?)\n```/g, (m) => {
    const path = fencePath(m[1]!);
    return path ? [{ name: "file_write", arguments: { path, content: m[2]! + "\n" } }] : [];
  }),
];

/** Spans of closed `<think>` blocks and harmony analysis messages. */
function thoughtSpans(reply: string): [number, number][] {
  const re =
    /<(think|thinking|reasoning)>[\s\S]*?<\/\1\s*>|<\|channel\|>\s*analysis\s*<\|message\|>[\s\S]*?(?:<\|end\|>|(?=<\|start\|>)|$)/gi;
  return [...reply.matchAll(re)].map((m) => [m.index!, m.index! + m[0].length]);
}

/** End-of-turn tokens and harmony framing that never belong to the text. */
const CONTROL =
  /<\|(?:im_end|eot_id|eom_id|end|return|call|endoftext|end_of_text)\|>|<end_of_turn>|<\/s>|<[｜|]end[▁_ ]of[▁_ ]sentence[｜|]>|<\|start\|>\s*assistant\s*(?:<\|channel\|>\s*final\s*<\|message\|>)?|<\|channel\|>\s*final\s*<\|message\|>|<\|?\/(?:tool_calls?|function_calls?|tools)\|?>/g;

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
  const thoughts = thoughtSpans(reply);
  const inThought = (h: Hit) => thoughts.some(([s, e]) => h.start >= s && h.end <= e);
  const outside = taken.filter((h) => !inThought(h));
  const used = outside.some((h) => h.calls.length > 0) ? outside : taken;
  used.sort((a, b) => a.start - b.start);
  let text = "";
  let pos = 0;
  for (const hit of used) {
    text += reply.slice(pos, hit.start);
    pos = hit.end;
  }
  text += reply.slice(pos);
  const harmonyAnalysis =
    /<\|channel\|>\s*analysis\s*<\|message\|>[\s\S]*?(?:<\|end\|>|(?=<\|start\|>)|$)/g;
  return {
    calls: used.flatMap((h) => h.calls),
    text: text.replace(harmonyAnalysis, "").replace(CONTROL, "").replace(/\n{3,}/g, "\n\n").trim(),
  };
}

/** True when a reply looks like it tried to call a tool (even if unparseable). */
export function looksLikeToolCall(reply: string): boolean {
  return /\[TOOL_REQUEST\]|<tool_call>|<function=|\[TOOL_CALLS\]|<\|python_tag\|>|to=functions\.|tool[▁_]calls?[▁_]begin|<start_function_call>|```tool_code/
    .test(reply);
}
