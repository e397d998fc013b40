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

/** Runs one turn. `history` ends before the user message; `user` is this turn's message. */
export async function runTurn(
  ports: LoopPorts,
  system: ChatMessage,
  history: readonly ChatMessage[],
  user: ChatMessage,
  signal: AbortSignal,
): Promise<TurnResult> {
  const turn: ChatMessage[] = [user];
  let errors = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  const done = (reply: string, ended: TurnResult["ended"]): TurnResult => ({
    reply,
    added: turn.slice(1),
    ended,
    promptTokens,
    completionTokens,
  });
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const messages = fitTranscript(system, history, turn, ports.budgetTokens, ports.estimate);
    const result = await ports.chat(messages, ports.tools(), signal);
    promptTokens += result.usage.promptTokens;
    completionTokens += result.usage.completionTokens;
    if (!result.toolCalls.length) {
      const reply = result.content.trim();
      if (reply) turn.push({ role: "assistant", content: reply });
      return done(reply, "answer");
    }
    turn.push({
      role: "assistant",
      content: result.content || null,
      tool_calls: result.toolCalls.map((c) => ({
        id: c.id,
        type: "function",
        function: { name: c.name, arguments: historyArguments(c.arguments) },
      })),
    });
    for (let i = 0; i < result.toolCalls.length; i++) {
      const call = result.toolCalls[i]!;
      const r = await ports.runTool(call.name, call.arguments, signal);
      const output = r.output.length > MAX_TOOL_OUTPUT
        ? `${r.output.slice(0, MAX_TOOL_OUTPUT)}\n... [truncated]`
        : r.output;
      turn.push({ role: "tool", content: output, tool_call_id: call.id });
      const args = summarize(historyArguments(call.arguments));
      ports.emit({
        type: "tool.call",
        tool: call.name,
        ok: r.ok,
        summary: `${call.name}(${args}): ${output.split("\n")[0]!.slice(0, 100)}`,
      });
      errors = r.ok ? 0 : errors + 1;
      if (ports.resumeRequested()) {
        // The rest of this round's calls are answered so the transcript stays valid.
        for (const skipped of result.toolCalls.slice(i + 1)) {
          turn.push({
            role: "tool",
            content: "skipped: the pipeline resumes",
            tool_call_id: skipped.id,
          });
        }
        const reply = result.content.trim() || RESUME_TEXT;
        turn.push({ role: "assistant", content: reply });
        return done(reply, "resume");
      }
      if (errors >= MAX_CONSECUTIVE_ERRORS) {
        for (const skipped of result.toolCalls.slice(i + 1)) {
          turn.push({
            role: "tool",
            content: "skipped after repeated errors",
            tool_call_id: skipped.id,
          });
        }
        turn.push({ role: "assistant", content: BAILOUT_TEXT });
        return done(BAILOUT_TEXT, "bailout");
      }
    }
  }
  turn.push({ role: "assistant", content: MAX_ROUNDS_TEXT });
  return done(MAX_ROUNDS_TEXT, "max_rounds");
}
