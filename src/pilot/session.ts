/**
 * The Pilot as a pure state machine: {@linkcode PilotSession.handle} takes
 * one input line and answers with what to do next (`continue`, `exit`,
 * `resume`); everything it shows goes out as `pilot.message` and `tool.call`
 * events, everything it says or does is saved through `save`. No terminal,
 * no server: the ports are injected.
 *
 * @module
 */
import type { Emit } from "../events/bus.ts";
import { errorMessage, InterruptedError } from "../errors.ts";
import { LlmError } from "../llm/errors.ts";
import type { ChatMessage } from "../llm/types.ts";
import { detectProjectIntent } from "./intent.ts";
import { type LoopPorts, runTurn } from "./loop.ts";
import { HELP_TEXT, parseSlash } from "./slash.ts";
import { chatOnly } from "./history.ts";

/** What the caller does after a line. */
export type PilotAction = "continue" | "exit" | "resume";

/** Project commands (`/project ...` and intent switching). */
export interface ProjectPort {
  list(): Promise<string>;
  scan(dir?: string): Promise<string>;
  /** Switches to a project by name or path; returns the message to show. */
  use(nameOrPath: string): Promise<string>;
  status(nameOrPath?: string): Promise<string>;
}

/** The session's ports. */
export interface PilotPorts extends Omit<LoopPorts, "resumeRequested"> {
  /** The system prompt with the current context. */
  systemPrompt(): Promise<string>;
  status(): string;
  gates(): string;
  projects: ProjectPort;
  /** Persists one message of the conversation. */
  save(m: ChatMessage): void;
  /** The answer when the model said nothing. */
  fallback(): string;
  emit: Emit;
}

/** One Pilot conversation. */
export class PilotSession {
  #ports: PilotPorts;
  #history: ChatMessage[] = [];
  #resume = false;

  /** Starts a session; `earlier` is a resumed conversation (shown to the model as history). */
  constructor(ports: PilotPorts, earlier: readonly ChatMessage[] = []) {
    this.#ports = ports;
    this.#history = chatOnly(earlier);
  }

  /** The chat the next turn sees (user messages and final answers). */
  get history(): readonly ChatMessage[] {
    return this.#history;
  }

  /** Called by `resume_pipeline`. */
  requestResume(): void {
    this.#resume = true;
  }

  #say(role: "assistant" | "info", text: string): void {
    this.#ports.emit({ type: "pilot.message", role, text });
  }

  /** Handles one input line (null: end of input). `signal` cancels the model call in flight. */
  async handle(line: string | null, signal: AbortSignal): Promise<PilotAction> {
    if (line === null) return "exit";
    const text = line.trim();
    if (!text) return "continue";
    const cmd = parseSlash(text);
    if (cmd) {
      switch (cmd.kind) {
        case "exit":
          return "exit";
        case "resume":
          return "resume";
        case "clear":
          this.#history = [];
          this.#say("info", "Chat history cleared.");
          return "continue";
        case "help":
          this.#say("info", HELP_TEXT);
          return "continue";
        case "status":
          this.#say("info", this.#ports.status());
          return "continue";
        case "gates":
          this.#say("info", this.#ports.gates());
          return "continue";
        case "project": {
          const p = this.#ports.projects;
          const out = cmd.sub === "list"
            ? await p.list()
            : cmd.sub === "scan"
            ? await p.scan(cmd.arg)
            : cmd.sub === "status"
            ? await p.status(cmd.arg)
            : cmd.sub === "use"
            ? (cmd.arg ? await p.use(cmd.arg) : "Usage: /project use NAME_OR_PATH")
            : `Unknown /project sub-command "${cmd.arg}": use list, scan [DIR], use NAME or status [NAME].`;
          this.#say("info", out);
          return "continue";
        }
      }
    }
    this.#ports.emit({ type: "pilot.message", role: "user", text });
    const candidate = detectProjectIntent(text);
    if (candidate) this.#say("info", await this.#ports.projects.use(candidate));
    return await this.#chat(text, signal);
  }

  async #chat(text: string, signal: AbortSignal): Promise<PilotAction> {
    this.#resume = false;
    const user: ChatMessage = { role: "user", content: text };
    this.#ports.save(user);
    const system: ChatMessage = { role: "system", content: await this.#ports.systemPrompt() };
    let reply: string;
    try {
      const result = await runTurn(
        { ...this.#ports, resumeRequested: () => this.#resume },
        system,
        this.#history,
        user,
        signal,
      );
      for (const m of result.added) this.#ports.save(m);
      reply = result.reply;
      if (!reply) {
        reply = this.#ports.fallback();
        this.#ports.save({ role: "assistant", content: reply });
      }
      if (result.promptTokens || result.completionTokens) {
        this.#ports.emit({
          type: "log",
          level: "debug",
          source: "pilot",
          message: `tokens ${
            result.promptTokens + result.completionTokens
          } (↑${result.promptTokens} ↓${result.completionTokens})`,
        });
      }
    } catch (err) {
      if (err instanceof InterruptedError || signal.aborted) {
        this.#say("info", "Cancelled.");
        this.#history.push(user);
        return "continue";
      }
      reply = friendlyError(err);
      this.#ports.save({ role: "assistant", content: reply });
    }
    this.#history.push(user, { role: "assistant", content: reply });
    this.#say("assistant", reply);
    return this.#resume ? "resume" : "continue";
  }
}

/** A model failure in one line a user can act on. */
export function friendlyError(err: unknown): string {
  if (err instanceof LlmError) {
    if (err.kind === "server_unreachable") {
      return `Cannot reach the model server: check that it is running (${err.message})`;
    }
    if (err.kind === "timeout") {
      return `The model did not answer in time (it may still be loading, or the request is too large): ${err.message}`;
    }
  }
  return `LLM error: ${errorMessage(err)}`;
}
