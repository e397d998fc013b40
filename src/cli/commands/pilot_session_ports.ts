/**
 * The ports of one Pilot conversation: the model call on the pilot model
 * (streamed, with tool calls), the tools run in the bound workspace through
 * the sandbox, the system prompt with the project's context, and history
 * saved to the bound project's queue. Everything reads the current binding,
 * so a project switch takes effect on the next turn.
 *
 * @module
 */
import type { EventBus } from "../../events/bus.ts";
import { estimateMessages } from "../../llm/tokens.ts";
import type { BuiltPorts } from "../../pipeline/build_deps.ts";
import { callModel } from "../../phases/model_call.ts";
import type { PilotBinding } from "../../pilot/binding.ts";
import { contextBlock, fallbackReply } from "../../pilot/context.ts";
import { saveMessage } from "../../pilot/history.ts";
import systemMd from "../../pilot/prompts/system.md" with { type: "text" };
import type { PilotPorts, ProjectPort } from "../../pilot/session.ts";
import { streamFilter } from "../../pilot/stream.ts";
import { gateSummaryText, pipelineStatusText } from "../../pilot/tools.ts";
import { executeToolCall, toolDefinitions } from "../../tools/registry.ts";
import type { Tool } from "../../tools/types.ts";
import type { WorkspacePorts } from "../runtime.ts";

/** The project a conversation is on now, and its run ports (both change on a switch). */
export interface ChatState {
  binding: PilotBinding;
  deps: BuiltPorts;
}

/** Inputs of {@linkcode sessionPorts}. */
export interface SessionPortsInput {
  state: ChatState;
  bus: EventBus;
  ports: WorkspacePorts;
  tools: Tool[];
  projects: ProjectPort;
  /** The conversation's id in the history. */
  sessionId: string;
}

async function contextFor(b: PilotBinding, ports: WorkspacePorts): Promise<string> {
  let structure: string[] = [];
  try {
    const fs = await ports.workspaceFs(b.workspace);
    const entries = await fs.walk({ maxDepth: 2, limit: 30 });
    structure = entries.map((e) => `  ${e.path}${e.kind === "dir" ? "/" : ""}`);
  } catch {
    structure = [];
  }
  return contextBlock({
    workspace: b.workspace,
    plansDir: b.config.paths.plans,
    configFile: b.configFile,
    store: b.store,
    structure,
  });
}

/** The most a pilot answer may be: its configured cap, at most half its context. */
function maxTokensOf(b: PilotBinding): number {
  const pilot = b.config.models.pilot;
  return Math.min(pilot.max_completion, Math.floor(pilot.context_length / 2));
}

function chatPort({ state, bus }: SessionPortsInput): PilotPorts["chat"] {
  return (messages, toolDefs, signal) => {
    const visible = streamFilter();
    return callModel({ ...state.deps, signal }, "pilot", {
      messages,
      tools: toolDefs,
      tool_choice: "auto",
      temperature: 0.3,
      max_tokens: maxTokensOf(state.binding),
    }, {
      onText: (delta) => {
        const text = visible(delta);
        if (text) bus.emit({ type: "pilot.delta", text });
      },
    });
  };
}

function toolPort({ state, ports, tools }: SessionPortsInput): PilotPorts["runTool"] {
  return async (name, args, signal) => {
    const ws = state.binding.workspace;
    const shell = ports.shell(ws);
    return await executeToolCall(name, args, {
      fs: await ports.workspaceFs(ws),
      ...(shell ? { shell } : {}),
      signal,
    }, tools);
  };
}

/** The session's ports over `input.state`, read afresh on every call. */
export function sessionPorts(input: SessionPortsInput): PilotPorts {
  const { state, bus, ports, projects, sessionId } = input;
  const defs = toolDefinitions(input.tools);
  return {
    chat: chatPort(input),
    runTool: toolPort(input),
    tools: () => defs,
    emit: bus.emit,
    estimate: (m) => estimateMessages(state.deps.count, [m]),
    // A getter: the session reads it every turn, so a project switch brings its own budget.
    get budgetTokens() {
      const b = state.binding;
      return Math.max(1024, b.config.models.pilot.context_length - maxTokensOf(b));
    },
    systemPrompt: async () => `${systemMd.trim()}\n\n${await contextFor(state.binding, ports)}`,
    status: () => pipelineStatusText(state.binding.store),
    gates: () => gateSummaryText(state.binding.store),
    projects,
    save: (m) => {
      if (state.binding.store) saveMessage(state.binding.store, sessionId, m);
    },
    fallback: () =>
      fallbackReply({
        configFile: state.binding.configFile,
        workspace: state.binding.configDir,
        queueEmpty: !state.binding.store ||
          Object.values(state.binding.store.statusCounts()).every((n) => n === 0),
      }),
  };
}
