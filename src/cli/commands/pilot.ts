/**
 * `lao pilot`: the interactive chat on the pilot model. Loads the pilot
 * model through the model manager, binds the tools to the project (or the
 * selected plan's workspace) through the same sandbox as the coder, reads
 * one request per line (a pipe or a terminal), and on `/resume` runs the
 * pipeline (which swaps its own models in) and comes back. Ctrl+C once
 * cancels the model call in flight, twice exits 130.
 *
 * @module
 */
import { join } from "node:path";
import { EventBus } from "../../events/bus.ts";
import { ExitCode } from "../../errors.ts";
import type { BuiltPorts } from "../../pipeline/build_deps.ts";
import type { PilotBinding } from "../../pilot/binding.ts";
import { chatOnly, lastSessionId, loadSession, newSessionId } from "../../pilot/history.ts";
import { joinContinued, readLines } from "../../pilot/input.ts";
import { pilotRenderer } from "../../pilot/render.ts";
import { PilotSession } from "../../pilot/session.ts";
import { pilotTools } from "../../pilot/tools.ts";
import type { ProjectRegistry } from "../../projects/registry.ts";
import { jsonStream } from "../../ui/json_stream.ts";
import type { CliContext } from "../context.ts";
import { type WorkspacePorts, workspacePorts } from "../runtime.ts";
import { VERSION } from "../version.ts";
import { PilotInterrupts } from "./pilot_interrupts.ts";
import { type RunPipeline, runPipelineFromPilot } from "./pilot_handover.ts";
import { projectPort, projectStatusText } from "./pilot_projects.ts";
import { type ChatState, sessionPorts } from "./pilot_session_ports.ts";
import { initialBinding, pilotDeps } from "./pilot_setup.ts";
import { openRegistry } from "./projects.ts";

/** Options of `lao pilot`. */
export interface PilotCommandOptions {
  json?: boolean;
  /** Continue the last conversation (shown first). */
  resume?: boolean;
}

/** Test seams of {@linkcode pilotCommand}. */
export interface PilotIo {
  /** Input lines (default: stdin). */
  lines?: AsyncIterable<string>;
  /** What `/resume` runs (default: `lao run --single-run` for the bound project). */
  runPipeline?: RunPipeline;
}

/** How a conversation ended. */
type Ending = "exit" | "resume" | "interrupt";

/** What the Pilot's steps share for the whole command. */
interface Chat {
  ctx: CliContext;
  json: boolean;
  runPipeline?: RunPipeline;
  registry: ProjectRegistry;
  bus: EventBus;
  interactive: boolean;
  lines: AsyncIterator<string>;
  interrupts: PilotInterrupts;
  ports: WorkspacePorts;
  /** The project the next conversation starts on. */
  binding: PilotBinding;
  /** The run ports the next conversation starts with. */
  deps: BuiltPorts;
}

/** Runs `lao pilot`. Returns the exit code. */
export async function pilotCommand(
  ctx: CliContext,
  opts: PilotCommandOptions,
  io: PilotIo = {},
): Promise<number> {
  const out = ctx.out;
  const json = opts.json === true || ctx.globals.json === true;
  const registry = await openRegistry(ctx);
  const first = initialBinding(ctx, registry);
  const bus = new EventBus();
  const stdin = ctx.deps.stdin ?? Deno.stdin;
  const interactive = out.isTty && stdin.isTerminal();
  const detach = subscribeUi(ctx, bus, json, interactive);
  const lines = (io.lines ?? joinContinued(readLines(stdin.readable)))[
    Symbol.asyncIterator
  ]();
  const interrupts = new PilotInterrupts((line) => out.err(line));
  let ports: WorkspacePorts | undefined;
  let chat: Chat | undefined;
  try {
    ports = await workspacePorts(first.config, {
      logDir: join(first.configDir, ".lao", "logs"),
      isTty: interactive,
    });
    for (const w of ports.warnings) out.err(w);
    const deps = await pilotDeps(ctx, first, bus, ports);
    chat = {
      ctx,
      json,
      registry,
      bus,
      interactive,
      lines,
      interrupts,
      ports,
      binding: first,
      deps,
    };
    if (io.runPipeline) chat.runPipeline = io.runPipeline;
    interrupts.listen(true);
    return await converseUntilDone(chat, opts.resume === true);
  } finally {
    interrupts.listen(false);
    detach();
    ports?.close();
    const binding = chat?.binding ?? first;
    if (binding.store !== ctx.store) binding.store?.close();
  }
}

function subscribeUi(ctx: CliContext, bus: EventBus, json: boolean, interactive: boolean) {
  const out = ctx.out;
  if (json) return bus.subscribe(jsonStream(out.out));
  const encoder = new TextEncoder();
  return bus.subscribe(pilotRenderer(out, {
    echoUser: !(ctx.deps.stdin ?? Deno.stdin).isTerminal(),
    verbose: ctx.deps.env("LAO_DEBUG") !== undefined,
    ...(interactive ? { write: (t: string) => Deno.stdout.writeSync(encoder.encode(t)) } : {}),
  }));
}

/** Conversations until one ends with exit or Ctrl+C twice; each `/resume` runs the pipeline between them. */
async function converseUntilDone(chat: Chat, resume: boolean): Promise<number> {
  for (;;) {
    const ending = await converse(chat, resume);
    if (ending === "interrupt") {
      chat.ctx.out.err("lao: interrupted");
      return ExitCode.Interrupted;
    }
    if (ending === "exit") return ExitCode.Ok;
    if (await handOver(chat) === "interrupted") return ExitCode.Interrupted;
    chat.deps = await pilotDeps(chat.ctx, chat.binding, chat.bus, chat.ports);
    resume = true;
  }
}

/** Hands over to the pipeline and back; its own manager swaps the planner/coder/reviewer in. */
async function handOver(chat: Chat): Promise<number | "interrupted"> {
  chat.interrupts.listen(false);
  chat.bus.emit({ type: "pilot.message", role: "info", text: "Pilot → Pipeline" });
  const code = await runPipelineFromPilot(chat.ctx, chat.binding, chat.json, chat.runPipeline);
  if (code === "interrupted") return code;
  chat.interrupts.listen(true);
  chat.bus.emit({
    type: "pilot.message",
    role: "info",
    text: `Pipeline → Pilot (the run ended with exit code ${code})`,
  });
  return code;
}

/** Shows the resumed conversation (if any) and the banner; returns the session id and its history. */
function openConversation(chat: Chat, resume: boolean) {
  const store = chat.binding.store;
  const sessionId = resume && store ? (lastSessionId(store) ?? newSessionId()) : newSessionId();
  const earlier = resume && store ? loadSession(store, sessionId) : [];
  for (const m of chatOnly(earlier)) {
    if (m.role === "user" || m.role === "assistant") {
      chat.bus.emit({ type: "pilot.message", role: m.role, text: m.content ?? "", replay: true });
    }
  }
  chat.bus.emit({
    type: "pilot.message",
    role: "info",
    text:
      `LAO ${VERSION} Pilot · project ${chat.binding.configDir} · tools in ${chat.binding.workspace}` +
      ` · /help for commands, /resume to run the pipeline, /exit to leave`,
  });
  return { sessionId, earlier };
}

/** One conversation on the pilot model; a project switch in it carries over to the next. */
async function converse(chat: Chat, resume: boolean): Promise<Ending> {
  const { sessionId, earlier } = openConversation(chat, resume);
  await chat.deps.models.ensureLoaded("pilot", chat.deps.signal);
  const { ctx, registry, bus, ports } = chat;
  const state: ChatState = { binding: chat.binding, deps: chat.deps };
  let switched = false;
  const holder: { session?: PilotSession } = {};
  // A switch takes the new project's server and models too (its pilot model loads on the next call).
  const projects = projectPort(ctx, registry, async (b) => {
    const next = await pilotDeps(ctx, b, bus, ports);
    const previous = state.binding;
    switched = true;
    state.binding = b;
    state.deps = next;
    if (previous !== chat.binding && previous.store !== ctx.store) previous.store?.close();
    return `pilot model ${b.config.models.pilot.key} at ${b.config.lm_studio_base_url}`;
  });
  const tools = pilotTools({
    store: () => state.binding.store,
    plansDir: () => state.binding.config.paths.plans,
    requestResume: () => holder.session?.requestResume(),
    projectStatus: (x) => projectStatusText(registry, state.binding, x),
  });
  const session = new PilotSession(
    sessionPorts({ state, bus, ports, tools, projects, sessionId }),
    earlier,
  );
  holder.session = session;
  const ending = await readTurns(chat, session);
  if (ending !== "interrupt" && switched) chat.binding = state.binding;
  return ending;
}

/** Feeds input lines to `session` until it exits or resumes, or Ctrl+C is pressed twice. */
async function readTurns(chat: Chat, session: PilotSession): Promise<Ending> {
  const { interrupts } = chat;
  for (;;) {
    if (chat.interactive) Deno.stdout.writeSync(new TextEncoder().encode("❯ "));
    const next = await Promise.race([chat.lines.next(), interrupts.exitRequested]);
    if (next === "interrupt") return "interrupt";
    const signal = interrupts.startTurn();
    const result = await Promise.race([
      session.handle(next.done ? null : next.value, signal),
      interrupts.exitRequested,
    ]);
    interrupts.endTurn();
    if (result === "interrupt" || result === "exit" || result === "resume") return result;
  }
}
