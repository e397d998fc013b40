/**
 * The coder: implements one task with workspace tools. Native tool calls and
 * tool calls printed as text (or FILE / SEARCH-REPLACE blocks) are both
 * executed; arguments are validated; the transcript is trimmed to the
 * context budget without ever dropping the system prompt or the task; the
 * files a task changed come from the tools themselves.
 *
 * @module
 */
import type { RoleConfig } from "../config/schema.ts";
import { InterruptedError, throwIfAborted } from "../errors.ts";
import type { Emit } from "../events/bus.ts";
import { estimateMessages } from "../llm/tokens.ts";
import type { ChatMessage, ChatResult, ToolDefinition } from "../llm/types.ts";
import type { Task } from "../store/store.ts";
import { findRelevantFiles } from "../tools/find_relevant_files.ts";
import { executeToolCall, historyArguments, toolDefinitions, TOOLS } from "../tools/registry.ts";
import { RepeatedFailureDetector } from "../tools/repeated_failure.ts";
import { trimTranscript } from "../tools/transcript.ts";
import type { WorkspaceFs } from "../workspace/workspace_fs.ts";
import type { ShellPort, ToolContext, ToolResult } from "../tools/types.ts";
import type { ModelPort } from "./model_port.ts";
import { parseTextToolCalls } from "./parse/text_tool_calls.ts";
import { stripThink } from "./parse/think.ts";
import { recordingFs } from "../workspace/change_tracker.ts";
import { truncatedTurn, wasCutOff } from "./truncation.ts";
import systemWithTools from "./prompts/coder_system.md" with { type: "text" };
import systemNoTools from "./prompts/coder_system_notools.md" with { type: "text" };

/** What one coder run produced. */
export interface CoderOutcome {
  /** The model's closing summary. */
  summary: string;
  /** Workspace-relative files the tools created or modified. */
  changedFiles: string[];
  /** Unified diff of the change. */
  diff: string;
  rounds: number;
  toolCalls: number;
}

/** What the coder works with: the model, the plan workspace and its shell. */
export interface CoderPorts {
  model: ModelPort;
  /** `models.coder`. */
  settings: RoleConfig;
  /** The plan workspace (the coder records its changes on top). */
  fs: WorkspaceFs;
  /** The sandboxed shell, when shell access is enabled. */
  shell?: ShellPort;
  emit: Emit;
  signal: AbortSignal;
  /** Files the task's dependencies changed (the API it must use), shown as context. */
  dependencyFiles: readonly string[];
  /** The plan file's name in the workspace (LAO's own: never context). */
  planFileName: string;
  /**
   * The code map around the task's target files, rendered within its share
   * of the budget (plans on existing code only); absent: no map section.
   */
  codeMap?: string;
}

/** Rounds of tool use before the coder is stopped. */
export const MAX_CODER_ROUNDS = 12;
/** Answers in a row cut off at `max_tokens` before the coder gives up on the attempt. */
export const MAX_CUT_OFF_ANSWERS = 3;
const CONTEXT_FILES = 3;
const MAX_CONTEXT_FILES = 5;
const CONTEXT_LINES = 100;
/** Below this many files `list_dir` shows everything: `search` and `find_relevant_files` are not offered. */
export const SEARCH_TOOLS_MIN_FILES = 20;
const SEARCH_TOOLS = new Set(["search", "find_relevant_files"]);
/** LAO's own bookkeeping files in a plan workspace: never context for the coder. */
const LAO_FILES = new Set([
  "LAO_TASKS.json",
  "LAO_REVIEW.log",
  "LAO_QUALITY.md",
  "quality_report.json",
]);
/** Words that ask for running something: only then is `shell_exec` offered. */
const RUN_WORDS =
  /\b(run|runs|running|test|tests|testing|pytest|build|compile|install|execute|command|script|lint|benchmark|migrate|shell|cli)\b/i;

/** True when the task (or its review feedback) asks for running something. */
export function needsShell(task: Pick<Task, "title" | "description" | "feedback">): boolean {
  return RUN_WORDS.test(`${task.title}\n${task.description}\n${task.feedback ?? ""}`);
}

/** Heading of the code map section in the task message. */
export const CODE_MAP_HEADING = "## Code map around the target files";

/** Builds the task message: title, description, targets, previous feedback, code map, context files. */
export function taskMessage(
  task: Task,
  context: { path: string; text: string }[],
  codeMap?: string,
): string {
  const parts = [`## Task: ${task.title}`, "", task.description];
  if (task.file_paths.length) parts.push("", `Target files: ${task.file_paths.join(", ")}`);
  if (task.feedback) {
    parts.push(
      "",
      "## Previous review feedback (fix these issues)",
      task.feedback,
      "",
      "Read the target files first, address every issue above, and change your approach if the same problem came back.",
    );
  }
  if (codeMap) parts.push("", CODE_MAP_HEADING, codeMap);
  if (context.length) {
    parts.push("", "## Existing files for context");
    for (const c of context) parts.push(`### ${c.path}`, "```", c.text, "```");
  }
  return parts.join("\n");
}

/**
 * Files shown to the coder up front, most useful first: the task's own target
 * files that exist, the files its dependencies changed (the API it must use),
 * then a lexical ranking of the workspace. Added while `fits` allows.
 */
async function gatherContext(
  ports: CoderPorts,
  fs: WorkspaceFs,
  task: Task,
  fits: (candidate: { path: string; text: string }[]) => boolean,
): Promise<{ path: string; text: string }[]> {
  const context: { path: string; text: string }[] = [];
  try {
    const ranked = await findRelevantFiles(fs, `${task.title} ${task.description}`, {
      topK: CONTEXT_FILES,
      signal: ports.signal,
    });
    const own = (p: string) => LAO_FILES.has(p) || p === ports.planFileName;
    const related = ranked.map((r) => r.path).filter((p) => !own(p));
    const paths = [...new Set([...task.file_paths, ...ports.dependencyFiles, ...related])];
    for (const path of paths) {
      if (context.length >= MAX_CONTEXT_FILES) break;
      if (!await fs.isFile(path)) continue;
      const text = (await fs.readText(path).catch(() => null))?.split("\n").slice(0, CONTEXT_LINES)
        .join("\n");
      if (text === undefined) continue;
      const candidate = [...context, { path, text }];
      if (!fits(candidate)) break;
      context.push({ path, text });
    }
  } catch (err) {
    if (err instanceof InterruptedError) throw err;
  }
  return context;
}

/** One coder run in progress. */
interface Session {
  ports: CoderPorts;
  planId: string;
  task: Task;
  tools: ToolDefinition[];
  messages: ChatMessage[];
  /** Calibrated tokens of one message. */
  estimate: (m: ChatMessage) => number;
  /** Room for the transcript beside the tool schemas. */
  toolBudget: number;
  /** Runs one tool call (counted, checked for repeats, its changes recorded). */
  run: (name: string, args: string | object) => Promise<ToolResult>;
  /** Answers in a row cut off at `max_tokens`. */
  cutOff: number;
}

/** Runs the coder on `task` of plan `planId`. Throws on model-server errors. */
export async function runCoder(
  ports: CoderPorts,
  planId: string,
  task: Task,
): Promise<CoderOutcome> {
  const { fs, shell, changed } = trackedWorkspace(ports);
  const ctx: ToolContext = {
    fs,
    ...(shell ? { shell } : {}),
    embed: (texts) => ports.model.embed(texts),
    signal: ports.signal,
  };
  const tools = await offeredTools(ports, fs, task, shell !== undefined);
  const runner = toolRunner(ports, task, ctx, changed);
  const session: Session = {
    ports,
    planId,
    task,
    tools,
    ...await opening(ports, fs, task, tools),
    run: runner.run,
    cutOff: 0,
  };
  let summary = "";
  let rounds = 0;
  while (rounds < MAX_CODER_ROUNDS && !summary) {
    rounds++;
    summary = await coderTurn(session) ?? "";
  }
  if (!summary) summary = `Coder stopped after ${rounds} rounds.`;
  const changedFiles = [...changed].sort();
  return {
    summary,
    changedFiles,
    diff: await fs.diff(changedFiles),
    rounds,
    toolCalls: runner.calls(),
  };
}

/**
 * The workspace with its changes recorded: tool writes by the recording FS,
 * and files a shell command creates or modifies count as the task's changes too.
 */
function trackedWorkspace(ports: CoderPorts) {
  const fs = recordingFs(ports.fs);
  const changed = new Set<string>();
  const rawShell = ports.shell;
  const shell: ShellPort | undefined = rawShell && (async (command, timeoutS, signal) => {
    const run = await fs.track(() => rawShell(command, timeoutS, signal));
    for (const path of run.changed) changed.add(path);
    return run.result;
  });
  return { fs, shell, changed };
}

/**
 * Tools by need (fewer tokens, no futile calls): a shell only when enabled and
 * the task asks to run something; search tools only when the workspace is too
 * big to list. None for a model without tool support.
 */
async function offeredTools(
  ports: CoderPorts,
  fs: WorkspaceFs,
  task: Task,
  hasShell: boolean,
): Promise<ToolDefinition[]> {
  if (!ports.settings.supports_tools) return [];
  const files = (await fs.walk({ limit: 4 * SEARCH_TOOLS_MIN_FILES }).catch(() => []))
    .filter((e) => e.kind === "file").length;
  const offered = TOOLS.filter((t) =>
    (t.name !== "shell_exec" || (hasShell && needsShell(task))) &&
    (!SEARCH_TOOLS.has(t.name) || files >= SEARCH_TOOLS_MIN_FILES)
  );
  return toolDefinitions(offered) as ToolDefinition[];
}

/** The coder's prompt budget (tokens): its context minus the room for its answer. */
export function coderBudget(role: Pick<RoleConfig, "context_length" | "max_completion">): number {
  return role.context_length - role.max_completion;
}

/** The system prompt and the task message with context files, within the coder's budget. */
async function opening(ports: CoderPorts, fs: WorkspaceFs, task: Task, tools: ToolDefinition[]) {
  const role = ports.settings;
  const { model } = ports;
  const budget = coderBudget(role);
  const estimate = (m: ChatMessage) =>
    Math.ceil(estimateMessages(model.count, [m]) * model.factor("coder"));
  const system: ChatMessage = {
    role: "system",
    content: (role.supports_tools ? systemWithTools : systemNoTools).trim(),
  };
  const toolTokens = estimateMessages(model.count, [], tools);
  // Fixed part of every request: system prompt and tool schemas, counted once.
  const fixedTokens = estimate(system) + toolTokens;
  const context = await gatherContext(
    ports,
    fs,
    task,
    (candidate) =>
      fixedTokens +
          estimate({ role: "user", content: taskMessage(task, candidate, ports.codeMap) }) <=
        budget * 0.6,
  );
  const messages: ChatMessage[] = [
    system,
    { role: "user", content: taskMessage(task, context, ports.codeMap) },
  ];
  return { messages, estimate, toolBudget: budget - toolTokens };
}

/** Runs tool calls: counted, checked for repeated failures, changes recorded, one event each. */
function toolRunner(ports: CoderPorts, task: Task, ctx: ToolContext, changed: Set<string>) {
  const detector = new RepeatedFailureDetector();
  let calls = 0;
  const run = async (name: string, args: string | object): Promise<ToolResult> => {
    throwIfAborted(ports.signal);
    calls++;
    const result = detector.check(name, args, await executeToolCall(name, args, ctx));
    for (const p of result.changedPaths ?? []) changed.add(p);
    ports.emit({
      type: "tool.call",
      tool: name,
      ok: result.ok,
      summary: result.output.split("\n")[0]!.slice(0, 120),
      taskId: task.id,
    });
    return result;
  };
  return { run, calls: () => calls };
}

/** One model round: the summary when the coder is done, null to go on. */
async function coderTurn(s: Session): Promise<string | null> {
  const { ports, task, tools, messages } = s;
  const reserve = ports.settings.max_completion;
  const reply = await ports.model.call("coder", {
    messages: trimTranscript(messages, s.toolBudget, s.estimate),
    max_tokens: reserve,
    temperature: 0.2,
    ...(tools.length ? { tools, tool_choice: "auto" as const } : {}),
  }, { taskId: task.id, planId: s.planId });

  // A cut-off answer is never executed (its last call is incomplete): ask for smaller pieces.
  if (wasCutOff(reply)) return cutOffTurn(s, reply);
  s.cutOff = 0;

  if (reply.toolCalls.length > 0) {
    messages.push({
      role: "assistant",
      content: reply.content || null,
      tool_calls: reply.toolCalls.map((c) => ({
        id: c.id,
        type: "function" as const,
        // Always valid JSON: servers render the history through the chat template.
        function: { name: c.name, arguments: historyArguments(c.arguments) },
      })),
    });
    for (const call of reply.toolCalls) {
      const result = await s.run(call.name, call.arguments);
      messages.push({ role: "tool", tool_call_id: call.id, content: result.output });
    }
    return null;
  }
  return await textTurn(s, reply.content);
}

/** An answer cut at `max_tokens`: asks for smaller pieces; gives up after a few in a row. */
function cutOffTurn(s: Session, reply: ChatResult): string | null {
  const reserve = s.ports.settings.max_completion;
  s.cutOff++;
  s.messages.push(...truncatedTurn(reply, reserve));
  s.ports.emit({
    type: "log",
    level: "warn",
    message: `task #${s.task.id}: the coder's answer was cut off at max_tokens=${reserve}; ` +
      "nothing in it was run, asking for smaller pieces",
    source: "coder",
  });
  if (s.cutOff < MAX_CUT_OFF_ANSWERS) return null;
  return `Coder stopped: ${s.cutOff} answers in a row were cut off at max_tokens=${reserve} ` +
    `(raise models.coder.max_completion or split the task).`;
}

/** A text answer: its printed tool calls are run; without any, it is the summary. */
async function textTurn(s: Session, content: string): Promise<string | null> {
  const text = stripThink(content);
  const textCalls = parseTextToolCalls(text);
  if (textCalls.calls.length === 0) return text.trim() || "(no summary)";
  const results: string[] = [];
  for (const call of textCalls.calls) {
    const result = await s.run(call.name, call.arguments);
    results.push(`[${call.name}] ${result.output}`);
  }
  // No-tool models answer in one reply: the FILE blocks were the work.
  if (!s.tools.length) return textCalls.text.trim() || "(no summary)";
  s.messages.push({ role: "assistant", content });
  s.messages.push({
    role: "user",
    content: `Tool results:\n${
      results.join("\n")
    }\n\nContinue; when the task is done, reply with a short summary.`,
  });
  return null;
}
