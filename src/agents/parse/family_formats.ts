/**
 * Text tool-call conventions of local model families, from their published
 * chat templates: gpt-oss harmony (`to=functions.x … <|message|>{…}<|call|>`),
 * DeepSeek R1/V3 (`<｜tool▁call▁begin｜>…<｜tool▁sep｜>…`), Mistral/Devstral
 * (`[TOOL_CALLS][…]`, `[TOOL_CALLS]name[ARGS]{…}`), Llama 3.x
 * (`<|python_tag|>`), FunctionGemma (`<start_function_call>call:x{…}`) and
 * Qwen3-Coder XML (`<function=x><parameter=p>…`), each with the mangled forms
 * small models write (missing closing tags, ASCII look-alike tokens).
 *
 * @module
 */
import { parsePythonCalls } from "./python_call.ts";
import {
  argumentsOf,
  callsFromValue,
  fromPythonCall,
  jsonAt,
  type TextToolCall,
} from "./tool_call_json.ts";

/** A recognised span of the reply and the calls it holds. */
export interface Hit {
  start: number;
  end: number;
  calls: TextToolCall[];
}

/** Finds hits in a reply. */
export type Extractor = (text: string) => Hit[];

/** gpt-oss harmony: a commentary message addressed to a function. */
export const harmony: Extractor = (text) => {
  const re =
    /(?:<\|start\|>\s*assistant\s*)?(?:<\|channel\|>\s*\w*\s*)?to=(?:functions\.)?([\w.:-]+)\s*(?:<\|channel\|>\s*\w+\s*)?(?:<\|constrain\|>\s*)?(?:json\s*)?<\|message\|>/g;
  const hits: Hit[] = [];
  for (const m of text.matchAll(re)) {
    const at = jsonAt(text, m.index! + m[0].length);
    if (!at) continue;
    const tail = text.slice(at.end).match(/^\s*(?:<\|call\|>|<\|end\|>)?/)![0];
    hits.push({
      start: m.index!,
      end: at.end + tail.length,
      calls: [{ name: m[1]!, arguments: argumentsOf(at.value) }],
    });
  }
  return hits;
};

/** A DeepSeek special token, full-width or ASCII (`<｜tool▁sep｜>`, `<|tool_sep|>`). */
function ds(words: string): string {
  return `<[｜|]\\s*${words.split(" ").join("[▁_ ]")}\\s*[｜|]>`;
}
const DS_CALL = new RegExp(
  `${ds("tool call begin")}([\\s\\S]*?)(?=${ds("tool call end")}|${ds("tool call begin")}|${
    ds("tool calls end")
  }|$)(?:${ds("tool call end")})?`,
  "g",
);
const DS_SEP = new RegExp(ds("tool sep"));
const DS_WRAP = new RegExp(`${ds("tool calls begin")}|${ds("tool calls end")}`, "g");

/** DeepSeek R1 (`function<sep>name\n```json…```) and V3.1 (`name<sep>{…}`). */
export const deepseek: Extractor = (text) => {
  const hits: Hit[] = [];
  for (const m of text.matchAll(DS_CALL)) {
    const body = m[1]!;
    const sep = DS_SEP.exec(body);
    if (!sep) continue;
    const before = body.slice(0, sep.index).trim();
    let after = body.slice(sep.index + sep[0].length);
    let name = before;
    if (before === "function" || before === "") {
      const n = after.match(/^\s*([\w.:-]+)/);
      if (!n) continue;
      name = n[1]!;
      after = after.slice(n[0].length);
    }
    const at = jsonAt(after, 0);
    if (!at || !/^[\w.:-]+$/.test(name)) continue;
    hits.push({
      start: m.index!,
      end: m.index! + m[0].length,
      calls: [{ name, arguments: argumentsOf(at.value) }],
    });
  }
  for (const m of text.matchAll(DS_WRAP)) {
    hits.push({ start: m.index!, end: m.index! + m[0].length, calls: [] });
  }
  return hits;
};

/** Mistral: `[TOOL_CALLS][{…}]`, `[TOOL_CALLS]{…}`, `[TOOL_CALLS]name[CALL_ID]id[ARGS]{…}`. */
export const mistral: Extractor = (text) => {
  const hits: Hit[] = [];
  for (const m of text.matchAll(/\[TOOL_CALLS\]/g)) {
    const from = m.index! + m[0].length;
    const asJson = jsonAt(text, from);
    if (asJson) {
      const calls = callsFromValue(asJson.value);
      if (calls.length) hits.push({ start: m.index!, end: asJson.end, calls });
      continue;
    }
    const named = text.slice(from).match(
      /^\s*([\w.:-]+)\s*(?:\[CALL_ID\]\s*[\w-]*\s*)?(?:\[ARGS\])?/,
    );
    if (!named) continue;
    const args = jsonAt(text, from + named[0].length);
    if (!args) continue;
    hits.push({
      start: m.index!,
      end: args.end,
      calls: [{ name: named[1]!, arguments: argumentsOf(args.value) }],
    });
  }
  return hits;
};

/** Llama 3.x: `<|python_tag|>` followed by JSON calls (`;`-separated) or Python calls. */
export const pythonTag: Extractor = (text) => {
  const re = /<\|python_tag\|>([\s\S]*?)(?:<\|eom_id\|>|<\|eot_id\|>|$)/g;
  const hits: Hit[] = [];
  for (const m of text.matchAll(re)) {
    const body = m[1]!;
    const calls: TextToolCall[] = [];
    let pos = 0;
    for (;;) {
      const at = jsonAt(body, pos);
      if (!at) break;
      calls.push(...callsFromValue(at.value));
      pos = at.end + (body.slice(at.end).match(/^\s*;?/)?.[0].length ?? 0);
    }
    if (calls.length === 0) calls.push(...(parsePythonCalls(body) ?? []).map(fromPythonCall));
    if (calls.length) hits.push({ start: m.index!, end: m.index! + m[0].length, calls });
  }
  return hits;
};

/** FunctionGemma: `<start_function_call>call:name{key:<escape>value<escape>,n:1}<end_function_call>`. */
export const functionGemma: Extractor = (text) => {
  const re =
    /<start_function_call>\s*call:([\w.:-]+)\s*\{([\s\S]*?)\}\s*(?:<end_function_call>|$)/g;
  const hits: Hit[] = [];
  for (const m of text.matchAll(re)) {
    const args: Record<string, unknown> = {};
    const pairs = /(\w+)\s*:\s*(?:<escape>([\s\S]*?)<escape>|([^,}]*))\s*,?/g;
    for (const p of m[2]!.matchAll(pairs)) {
      if (p[2] !== undefined) args[p[1]!] = p[2];
      else {
        const raw = (p[3] ?? "").trim();
        args[p[1]!] = /^-?\d+(\.\d+)?$/.test(raw)
          ? Number(raw)
          : raw === "true" || raw === "false"
          ? raw === "true"
          : raw;
      }
    }
    hits.push({
      start: m.index!,
      end: m.index! + m[0].length,
      calls: [{ name: m[1]!, arguments: args }],
    });
  }
  return hits;
};

/** Drops one leading and one trailing newline of a Qwen3-Coder parameter value. */
function paramValue(raw: string): unknown {
  const v = raw.replace(/^\r?\n/, "").replace(/\r?\n$/, "");
  return /^\s*(-?\d+(\.\d+)?|true|false|null)\s*$/.test(v) ? JSON.parse(v.trim()) : v;
}

/**
 * Qwen3-Coder: `<function=name>` then `<parameter=key>value</parameter>`
 * pairs; a missing `</parameter>` ends at the next tag. Without parameters
 * the body may be JSON (Llama 3.1's `<function=name>{…}</function>`).
 */
export function functionCall(name: string, body: string): TextToolCall {
  const params = [
    ...body.matchAll(
      /<parameter=\s*["']?([^>\s"']+)["']?\s*>([\s\S]*?)(?=<\/parameter\s*>|<parameter=|<\/function\s*>|<\/tool_call\s*>|$)(?:<\/parameter\s*>)?/g,
    ),
  ];
  if (params.length === 0) {
    const at = jsonAt(body, 0);
    return { name, arguments: argumentsOf(at?.value) };
  }
  const args: Record<string, unknown> = {};
  for (const [, key, value] of params) args[key!] = paramValue(value ?? "");
  return { name, arguments: args };
}

/** `<function=name>…</function>` anywhere (a missing closing tag ends at the next call or the end). */
export const functionTags: Extractor = (text) => {
  const re =
    /<function=\s*["']?([\w.:-]+)["']?\s*>([\s\S]*?)(?:<\/function\s*>|(?=<function=)|(?=<\/tool_call>)|$)/g;
  return [...text.matchAll(re)].map((m) => ({
    start: m.index!,
    end: m.index! + m[0].length,
    calls: [functionCall(m[1]!, m[2]!)],
  }));
};
