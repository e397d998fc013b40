/**
 * Shared pieces of the text tool-call parsers: turning JSON values of every
 * published shape into calls, and reading one JSON value at a position.
 *
 * @module
 */
import { bareToolName, canonicalToolName, POSITIONAL_PARAMS } from "../../tools/tool_names.ts";
import { scanJsonSpans } from "./json_extract.ts";
import { repairJson } from "../../parse/json_repair.ts";
import type { PythonCall } from "./python_call.ts";

/** One tool call recovered from text. */
export interface TextToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** The value as a plain object, or `undefined`. */
export function asObject(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v)
    ? v as Record<string, unknown>
    : undefined;
}

/** Arguments given as an object, a JSON string (double-encoded) or nothing. */
export function argumentsOf(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw === "string") {
    if (!raw.trim()) return {};
    return asObject(repairJson(raw.trim())?.value) ?? { input: raw };
  }
  return asObject(raw) ?? {};
}

const NAME_KEYS = ["name", "tool", "tool_name", "function_name", "action", "recipient_name"];
const ARG_KEYS = ["arguments", "parameters", "args", "input", "tool_input", "action_input"];
const WRAPPER_KEYS = ["tool_calls", "tool_call", "function_call", "calls", "tool_uses"];

/**
 * Calls from a parsed JSON value: `{"name", "arguments"|"parameters"}`,
 * OpenAI's `{"function": {...}}` and `{"tool_calls": [...]}`, lists of them.
 */
export function callsFromValue(value: unknown, depth = 0): TextToolCall[] {
  if (depth > 3) return [];
  if (Array.isArray(value)) return value.flatMap((v) => callsFromValue(v, depth + 1));
  const o = asObject(value);
  if (!o) return [];
  for (const key of WRAPPER_KEYS) {
    if (o[key] !== undefined && !NAME_KEYS.some((k) => typeof o[k] === "string")) {
      return callsFromValue(o[key], depth + 1);
    }
  }
  const fn = asObject(o.function);
  if (fn) return callsFromValue({ ...fn, ...(fn.arguments ? {} : { arguments: o.arguments }) });
  const nameKey = NAME_KEYS.find((k) => typeof o[k] === "string" && (o[k] as string).trim());
  const name = nameKey ? (o[nameKey] as string) : typeof o.function === "string" ? o.function : "";
  if (!name || !/^[\w.:-]+$/.test(name.trim())) return [];
  const argKey = ARG_KEYS.find((k) => k in o);
  return [{ name: bareToolName(name), arguments: argumentsOf(argKey ? o[argKey] : undefined) }];
}

/** True when an object looks like a call and nothing else (for JSON outside any wrapper). */
export function isCallObject(value: unknown): boolean {
  const o = asObject(value);
  if (!o) return false;
  const keys = Object.keys(o);
  const name = typeof o.name === "string" ? o.name : "";
  const hasArgs = "arguments" in o || "parameters" in o;
  if (!name) return false;
  if (canonicalToolName(name)) return true;
  return hasArgs &&
    keys.every((k) => ["name", "arguments", "parameters", "type", "id"].includes(k));
}

/** A JSON value starting at `from` (after whitespace, an optional fence line) and where it ends. */
export function jsonAt(text: string, from: number): { value: unknown; end: number } | undefined {
  const rest = text.slice(from);
  const lead = rest.match(/^\s*(?:```[\w-]*[ \t]*\n\s*)?/)![0];
  const start = from + lead.length;
  if (!"[{".includes(text[start] ?? "x")) return undefined;
  const span = scanJsonSpans(text.slice(start))[0];
  if (!span || span.start !== 0) return undefined;
  const parsed = repairJson(text.slice(start, start + span.end));
  if (!parsed) return undefined;
  let end = start + span.end;
  const fenceClose = lead.includes("```") ? text.slice(end).match(/^\s*```/) : null;
  if (fenceClose) end += fenceClose[0].length;
  return { value: parsed.value, end };
}

/** A Python-syntax call as a tool call; positional arguments are named by the tool's order. */
export function fromPythonCall(call: PythonCall): TextToolCall {
  const name = bareToolName(call.name);
  const order = POSITIONAL_PARAMS[canonicalToolName(name) ?? ""] ?? [];
  const args: Record<string, unknown> = {};
  call.positional.forEach((v, i) => {
    args[order[i] ?? `arg${i}`] = v;
  });
  return { name, arguments: { ...args, ...call.keywords } };
}
