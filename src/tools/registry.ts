/**
 * The coder's tool registry: OpenAI function definitions generated from the
 * zod schemas, and {@linkcode executeToolCall}, which never throws (spec weak
 * spot 7): unknown tools, bad JSON, aliased or unknown argument names,
 * invalid values and workspace refusals all become `ERROR:` results.
 *
 * @module
 */
import { z } from "zod";
import { repairJson } from "../parse/json_repair.ts";
import { errorMessage, InterruptedError } from "../errors.ts";
import { fileReadTool } from "./file_read.ts";
import { filePatchTool } from "./file_patch.ts";
import { fileWriteTool } from "./file_write.ts";
import { findRelevantFilesTool } from "./find_relevant_files.ts";
import { listDirTool } from "./list_dir.ts";
import { searchTool } from "./search.ts";
import { shellExecTool } from "./shell_exec.ts";
import { fail, type Tool, type ToolContext, type ToolResult } from "./types.ts";
import { bareToolName, NAME_ALIASES } from "./tool_names.ts";
import { WorkspaceError } from "../workspace/workspace_fs.ts";

/** Every coder tool, in the order offered to the model. */
export const TOOLS: readonly Tool[] = [
  fileReadTool,
  fileWriteTool,
  filePatchTool,
  listDirTool,
  searchTool,
  findRelevantFilesTool,
  shellExecTool,
] as unknown as readonly Tool[];

/** An OpenAI function-tool definition. */
export interface ToolDefinition {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** Other argument names models use, mapped to ours (applied only when the tool has the target). */
const ARG_ALIASES: Record<string, string[]> = {
  path: [
    "file_path",
    "filepath",
    "filename",
    "file",
    "file_name",
    "dir",
    "directory",
    "folder",
    "target_file",
  ],
  content: ["text", "contents", "code", "data", "body", "file_content", "new_content"],
  search: ["old", "old_str", "old_string", "find", "old_text", "original", "search_text"],
  replace: [
    "new",
    "new_str",
    "new_string",
    "replacement",
    "new_text",
    "replace_with",
    "replace_text",
  ],
  command: ["cmd", "shell_command", "script"],
  pattern: ["query", "text", "term", "search", "regex_pattern"],
  query: ["q", "question", "text", "search"],
  max_lines: ["limit", "lines", "num_lines"],
  offset: ["start_line", "line", "from_line"],
  top_k: ["k", "limit", "n", "count"],
  timeout: ["timeout_s", "timeout_seconds"],
  depth: ["max_depth", "levels"],
};

const MAX_OUTPUT = 3000;

/** Definitions already built, per tool (a tool's schema never changes). */
const DEFINITIONS = new WeakMap<Tool, ToolDefinition>();

/** OpenAI function-tool definitions for every tool (each built once per tool). */
export function toolDefinitions(tools: readonly Tool[] = TOOLS): ToolDefinition[] {
  return tools.map((tool) => {
    const known = DEFINITIONS.get(tool);
    if (known) return known;
    const { $schema: _ignored, ...parameters } = z.toJSONSchema(tool.schema, {
      io: "input",
    }) as Record<string, unknown>;
    const definition: ToolDefinition = {
      type: "function",
      function: { name: tool.name, description: tool.description, parameters },
    };
    DEFINITIONS.set(tool, definition);
    return definition;
  });
}

/** Caps `text` at `max` characters, keeping the head and the tail. */
export function capOutput(text: string, max = MAX_OUTPUT): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 2 / 3);
  const tail = max - head;
  return `${text.slice(0, head)}\n... [${text.length - max} chars omitted] ...\n${
    text.slice(-tail)
  }`;
}

function resolveName(name: string, tools: readonly Tool[]): Tool | undefined {
  const n = bareToolName(name).toLowerCase();
  return tools.find((t) => t.name === n) ?? tools.find((t) => t.name === NAME_ALIASES[n]);
}

/** Parses raw arguments; returns an object or an error text. */
function parseArgs(raw: string | object | null | undefined): Record<string, unknown> | string {
  if (raw === null || raw === undefined) return {};
  if (typeof raw === "object") {
    return Array.isArray(raw) ? "arguments must be a JSON object" : { ...raw };
  }
  if (!raw.trim()) return {};
  const parsed = repairJson(raw.trim());
  if (!parsed || parsed.truncated) return `arguments are not valid JSON: ${raw.slice(0, 120)}`;
  const v = parsed.value;
  return v !== null && typeof v === "object" && !Array.isArray(v)
    ? v as Record<string, unknown>
    : "arguments must be a JSON object";
}

/**
 * The arguments of a call as they may be sent back in an assistant message:
 * always valid JSON (llama.cpp renders the history through the chat template,
 * which parses them, and answers 500 for invalid JSON). Repairable arguments
 * are re-serialised; anything else becomes `{}` (the tool result says why).
 */
export function historyArguments(raw: string | object | null | undefined): string {
  const parsed = parseArgs(raw);
  return JSON.stringify(typeof parsed === "string" ? {} : parsed);
}

function describeArgs(tool: Tool): string {
  const shape = tool.schema.shape as Record<string, z.ZodType>;
  return Object.entries(shape)
    .map(([k, s]) => `${k}${s.safeParse(undefined).success ? " (optional)" : ""}`)
    .join(", ");
}

/** Renames aliased argument keys and coerces "true"/"false" strings; returns unknown keys. */
export function normalizeArgs(
  tool: Tool,
  args: Record<string, unknown>,
): { args: Record<string, unknown>; unknown: string[] } {
  const shape = tool.schema.shape as Record<string, z.ZodType>;
  const out: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(args)) {
    const k = key.toLowerCase();
    if (k in shape) {
      out[k] = value;
      continue;
    }
    const target = Object.keys(ARG_ALIASES).find((t) =>
      t in shape && ARG_ALIASES[t]!.includes(k) && !(t in args)
    );
    if (target && !(target in out)) out[target] = value;
    else if (value !== null && value !== undefined) unknown.push(key);
  }
  for (const [k, v] of Object.entries(out)) {
    if (v === "true" || v === "false") {
      const asBool = shape[k]?.safeParse(v === "true");
      if (asBool?.success && !shape[k]?.safeParse(v).success) out[k] = v === "true";
    }
  }
  return { args: out, unknown };
}

/**
 * Validates and runs one tool call. Never throws except on interruption
 * ({@linkcode InterruptedError} propagates).
 */
export async function executeToolCall(
  name: string,
  rawArgs: string | object | null | undefined,
  ctx: ToolContext,
  tools: readonly Tool[] = TOOLS,
): Promise<ToolResult> {
  const tool = resolveName(name, tools);
  if (!tool) {
    return fail(`Unknown tool "${name}". Available tools: ${tools.map((t) => t.name).join(", ")}`);
  }
  const parsed = parseArgs(rawArgs);
  if (typeof parsed === "string") return fail(`${tool.name}: ${parsed}`);
  const { args, unknown } = normalizeArgs(tool, parsed);
  if (unknown.length) {
    return fail(
      `${tool.name} got unknown argument${unknown.length > 1 ? "s" : ""} ${
        unknown.map((u) => `"${u}"`).join(", ")
      }. ` +
        `Expected arguments: ${describeArgs(tool)}`,
    );
  }
  const valid = tool.schema.safeParse(args);
  if (!valid.success) {
    const problems = valid.error.issues
      .map((i) =>
        `${i.path.join(".") || "arguments"}: ${
          i.code === "invalid_type" && i.input === undefined ? "is required" : i.message
        }`
      )
      .join("; ");
    return fail(
      `Invalid arguments for ${tool.name}: ${problems}. Expected arguments: ${describeArgs(tool)}`,
    );
  }
  try {
    const result = await tool.run(valid.data, ctx);
    return { ...result, output: capOutput(result.output) };
  } catch (err) {
    if (err instanceof InterruptedError) throw err;
    if (err instanceof WorkspaceError) return fail(err.message);
    return fail(`${tool.name} failed: ${capOutput(errorMessage(err), 500)}`);
  }
}
