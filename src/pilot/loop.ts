/**
 * The Pilot's tool loop for one user turn: call the model, run the tool
 * calls it asks for, feed the results back; stop at a final answer, after
 * {@linkcode MAX_ROUNDS} rounds, after {@linkcode MAX_CONSECUTIVE_ERRORS}
 * failing tool calls in a row, or when `resume_pipeline` asked for the
 * pipeline. The transcript is kept inside a token budget without breaking
 * tool-call pairs.
 *
 * @module
 */
import type { Emit } from "../events/bus.ts";
import type { ChatMessage, ChatResult, ToolDefinition } from "../llm/types.ts";
import { historyArguments } from "../tools/registry.ts";
import { trimTranscript } from "../tools/transcript.ts";
import type { ToolResult } from "../tools/types.ts";

/** Rounds (model calls) per user turn. */
export const MAX_ROUNDS = 15;
/** Failing tool results in a row that end the turn. */
export const MAX_CONSECUTIVE_ERRORS = 4;
/** Tool output kept in the transcript. */
const MAX_TOOL_OUTPUT = 4000;

/** The bailout answer after repeated tool errors. */
export const BAILOUT_TEXT =
  "I hit several errors in a row accessing that resource, so I stopped. Tell me the exact path or the project name; " +
  "/project scan finds projects and /project use <name> switches to one.";
/** The answer after a resume_pipeline call without text. */
export const RESUME_TEXT =
  "Returning to autopilot. The pipeline will pick up pending tasks and new plans automatically.";
/** Shown when the round cap ended the turn. */
export const MAX_ROUNDS_TEXT = "(tool loop ended after the maximum number of rounds)";

/** What the loop needs. */
export interface LoopPorts {
  chat(messages: ChatMessage[], tools: ToolDefinition[], signal: AbortSignal): Promise<ChatResult>;
  runTool(name: string, args: string, signal: AbortSignal): Promise<ToolResult>;
  tools(): ToolDefinition[];
  emit: Emit;
  /** Tokens of one message. */
  estimate(m: ChatMessage): number;
  /** The whole transcript's budget in tokens. */
  budgetTokens: number;
  /** True once `resume_pipeline` ran in this turn. */
  resumeRequested(): boolean;
}

/** How a turn ended. */
export interface TurnResult {
  /** The final answer ("" when none). */
  reply: string;
  /** Every message this turn added after the user message (tool calls included). */
  added: ChatMessage[];
  ended: "answer" | "bailout" | "max_rounds" | "resume";
  promptTokens: number;
  completionTokens: number;
}

function summarize(args: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return "";
  }
  if (!parsed || typeof parsed !== "object") return "";
  return Object.entries(parsed as Record<string, unknown>)
    .map(([k, v]) => {
      const s = typeof v === "string" ? v : JSON.stringify(v);
      return `${k}=${s.length > 40 ? `${s.slice(0, 40)}…` : s}`;
    })
    .join(", ");
}

/** Fits `[system, ...history, ...turn]` into the budget: oldest history first, then the turn's tool rounds. */
export function fitTranscript(
  system: ChatMessage,
  history: readonly ChatMessage[],
  turn: readonly ChatMessage[],
  budget: number,
  estimate: (m: ChatMessage) => number,
): ChatMessage[] {
  const sum = (ms: readonly ChatMessage[]) => ms.reduce((s, m) => s + estimate(m), 0);
  const h = [...history];
  while (h.length && estimate(system) + sum(h) + sum(turn) > budget) {
    h.shift();
    while (h.length && h[0]!.role !== "user") h.shift();
  }
  const trimmed = trimTranscript([system, ...turn], Math.max(0, budget - sum(h)), estimate);
  return [trimmed[0]!, ...h, ...trimmed.slice(1)];
}

/** One turn in progress: its messages after the history, the failing calls in a row, the tokens. */
interface Turn {
  messages: ChatMessage[];
  errors: number;
  promptTokens: number;
  completionTokens: number;
}

/** How a round of tool calls ended the turn. */
interface Ending {
  reply: string;
  ended: TurnResult["ended"];
}

function finish(t: Turn, { reply, ended }: Ending): TurnResult {
  return {
    reply,
    added: t.messages.slice(1),
    ended,
    promptTokens: t.promptTokens,
    completionTokens: t.completionTokens,
  };
}

/** The assistant message carrying `result`'s tool calls, as the history keeps them. */
function callsMessage(result: ChatResult): ChatMessage {
  return {
    role: "assistant",
    content: result.content || null,
    tool_calls: result.toolCalls.map((c) => ({
      id: c.id,
      type: "function",
      function: { name: c.name, arguments: historyArguments(c.arguments) },
    })),
  };
}

/** Runs one tool call, adds its (capped) result to the turn and reports it; true when it succeeded. */
async function runCall(
  ports: LoopPorts,
  call: ChatResult["toolCalls"][number],
  t: Turn,
  signal: AbortSignal,
): Promise<boolean> {
  const r = await ports.runTool(call.name, call.arguments, signal);
  const output = r.output.length > MAX_TOOL_OUTPUT
    ? `${r.output.slice(0, MAX_TOOL_OUTPUT)}\n... [truncated]`
    : r.output;
  t.messages.push({ role: "tool", content: output, tool_call_id: call.id });
  const args = summarize(historyArguments(call.arguments));
  ports.emit({
    type: "tool.call",
    tool: call.name,
    ok: r.ok,
    summary: `${call.name}(${args}): ${output.split("\n")[0]!.slice(0, 100)}`,
  });
  return r.ok;
}

/** Ends the turn with `reply` after answering the calls not run, so the transcript stays valid. */
function endEarly(t: Turn, skipped: ChatResult["toolCalls"], why: string, ending: Ending): Ending {
  for (const call of skipped) {
    t.messages.push({ role: "tool", content: why, tool_call_id: call.id });
  }
  t.messages.push({ role: "assistant", content: ending.reply });
  return ending;
}

/** Runs a round's tool calls in order; an ending when the pipeline resumes or errors pile up. */
async function runCalls(
  ports: LoopPorts,
  result: ChatResult,
  t: Turn,
  signal: AbortSignal,
): Promise<Ending | undefined> {
  const calls = result.toolCalls;
  for (let i = 0; i < calls.length; i++) {
    t.errors = await runCall(ports, calls[i]!, t, signal) ? 0 : t.errors + 1;
    if (ports.resumeRequested()) {
      const reply = result.content.trim() || RESUME_TEXT;
      return endEarly(t, calls.slice(i + 1), "skipped: the pipeline resumes", {
        reply,
        ended: "resume",
      });
    }
    if (t.errors >= MAX_CONSECUTIVE_ERRORS) {
      return endEarly(t, calls.slice(i + 1), "skipped after repeated errors", {
        reply: BAILOUT_TEXT,
        ended: "bailout",
      });
    }
  }
  return undefined;
}

/** Runs one turn. `history` ends before the user message; `user` is this turn's message. */
export async function runTurn(
  ports: LoopPorts,
  system: ChatMessage,
  history: readonly ChatMessage[],
  user: ChatMessage,
  signal: AbortSignal,
): Promise<TurnResult> {
  const t: Turn = { messages: [user], errors: 0, promptTokens: 0, completionTokens: 0 };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const messages = fitTranscript(system, history, t.messages, ports.budgetTokens, ports.estimate);
    const result = await ports.chat(messages, ports.tools(), signal);
    t.promptTokens += result.usage.promptTokens;
    t.completionTokens += result.usage.completionTokens;
    if (!result.toolCalls.length) {
      const reply = result.content.trim();
      if (reply) t.messages.push({ role: "assistant", content: reply });
      return finish(t, { reply, ended: "answer" });
    }
    t.messages.push(callsMessage(result));
    const ending = await runCalls(ports, result, t, signal);
    if (ending) return finish(t, ending);
  }
  t.messages.push({ role: "assistant", content: MAX_ROUNDS_TEXT });
  return finish(t, { reply: MAX_ROUNDS_TEXT, ended: "max_rounds" });
}
