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
import { ExitCode, InterruptedError, UserError } from "../../errors.ts";
import { LlmError } from "../../llm/errors.ts";
import { estimateMessages } from "../../llm/tokens.ts";
import { buildRunPorts, type BuiltPorts } from "../../pipeline/build_deps.ts";
import { callModel } from "../../phases/model_call.ts";
import { bindProject, type PilotBinding } from "../../pilot/binding.ts";
import { contextBlock, fallbackReply } from "../../pilot/context.ts";
import {
  chatOnly,
  lastSessionId,
  loadSession,
  newSessionId,
  saveMessage,
} from "../../pilot/history.ts";
import { joinContinued, readLines } from "../../pilot/input.ts";
import { pilotRenderer } from "../../pilot/render.ts";
import { streamFilter } from "../../pilot/stream.ts";
import { type PilotPorts, PilotSession, type ProjectPort } from "../../pilot/session.ts";
import { gateSummaryText, pilotTools, pipelineStatusText } from "../../pilot/tools.ts";
import systemMd from "../../pilot/prompts/system.md" with { type: "text" };
import { type ProjectRegistry, workLabel } from "../../projects/registry.ts";
import { executeToolCall, toolDefinitions } from "../../tools/registry.ts";
import { jsonStream } from "../../ui/json_stream.ts";
import { CliContext } from "../context.ts";
import { toOverrides } from "../options.ts";
import { type WorkspacePorts, workspacePorts } from "../runtime.ts";
import { VERSION } from "../version.ts";
import { openRegistry } from "./projects.ts";
import { runCommand } from "./run.ts";

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
  runPipeline?: (ctx: CliContext) => Promise<number>;
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
  let binding = initialBinding(ctx, registry);
  const bus = new EventBus();
  const interactive = out.isTty && Deno.stdin.isTerminal();
  const encoder = new TextEncoder();
  const detach = json ? bus.subscribe(jsonStream(out.out)) : bus.subscribe(pilotRenderer(out, {
    echoUser: !Deno.stdin.isTerminal(),
    verbose: ctx.deps.env("LAO_DEBUG") !== undefined,
    ...(interactive ? { write: (t: string) => Deno.stdout.writeSync(encoder.encode(t)) } : {}),
  }));
  let ports: WorkspacePorts | undefined;
  const lines = (io.lines ?? joinContinued(readLines(Deno.stdin.readable)))[
    Symbol.asyncIterator
  ]();
  const presses = { count: 0, turn: undefined as AbortController | undefined };
  let exitNow: () => void = () => {};
  const exitRequested = new Promise<"interrupt">((r) => exitNow = () => r("interrupt"));
  const onSigint = () => {
    presses.count++;
    if (presses.count >= 2) exitNow();
    else if (presses.turn) {
      presses.turn.abort();
      out.err("Cancelling the model call (Ctrl+C again to exit)...");
    } else out.err("Press Ctrl+C again to exit, or keep typing.");
  };
  const listen = (on: boolean) => {
    try {
      if (on) Deno.addSignalListener("SIGINT", onSigint);
      else Deno.removeSignalListener("SIGINT", onSigint);
    } catch {
      // no signals on this platform
    }
  };
  try {
    ports = await workspacePorts(binding.config, {
      logDir: join(binding.configDir, ".lao", "logs"),
      isTty: interactive,
    });
    for (const w of ports.warnings) out.err(w);
    let deps = await pilotDeps(ctx, binding, bus, ports);
    listen(true);
    for (;;) {
      const sessionId = opts.resume && binding.store
        ? (lastSessionId(binding.store) ?? newSessionId())
        : newSessionId();
      const earlier = opts.resume && binding.store ? loadSession(binding.store, sessionId) : [];
      opts = { ...opts, resume: false };
      for (const m of chatOnly(earlier)) {
        if (m.role === "user" || m.role === "assistant") {
          bus.emit({ type: "pilot.message", role: m.role, text: m.content ?? "", replay: true });
        }
      }
      bus.emit({
        type: "pilot.message",
        role: "info",
        text:
          `LAO ${VERSION} Pilot · project ${binding.configDir} · tools in ${binding.workspace}` +
          ` · /help for commands, /resume to run the pipeline, /exit to leave`,
      });
      await deps.models.ensureLoaded("pilot", deps.signal);
      let switched: PilotBinding | undefined;
      const holder: { session?: PilotSession } = {};
      const state = { binding, deps, resume: false };
      // A switch takes the new project's server and models too (its pilot model loads on the next call).
      const projects = projectPort(ctx, registry, async (b) => {
        const next = await pilotDeps(ctx, b, bus, ports!);
        const previous = state.binding;
        switched = b;
        state.binding = b;
        state.deps = next;
        if (previous !== binding && previous.store !== ctx.store) previous.store?.close();
        return `pilot model ${b.config.models.pilot.key} at ${b.config.lm_studio_base_url}`;
      });
      const tools = pilotTools({
        store: () => state.binding.store,
        plansDir: () => state.binding.config.paths.plans,
        requestResume: () => holder.session?.requestResume(),
        projectStatus: (x) => projectStatusText(registry, state.binding, x),
      });
      const defs = toolDefinitions(tools);
      const pilotCfg = () => state.binding.config.models.pilot;
      const maxTokensOf = () =>
        Math.min(pilotCfg().max_completion, Math.floor(pilotCfg().context_length / 2));
      const sessionPorts: PilotPorts = {
        chat: (messages, toolDefs, signal) => {
          const visible = streamFilter();
          return callModel({ ...state.deps, signal }, "pilot", {
            messages,
            tools: toolDefs,
            tool_choice: "auto",
            temperature: 0.3,
            max_tokens: maxTokensOf(),
          }, {
            onText: (delta) => {
              const text = visible(delta);
              if (text) bus.emit({ type: "pilot.delta", text });
            },
          });
        },
        runTool: async (name, args, signal) => {
          const ws = state.binding.workspace;
          const shell = ports!.shell(ws);
          return await executeToolCall(name, args, {
            fs: await ports!.workspaceFs(ws),
            ...(shell ? { shell } : {}),
            signal,
          }, tools);
        },
        tools: () => defs,
        emit: bus.emit,
        estimate: (m) => estimateMessages(state.deps.count, [m]),
        // A getter: the session reads it every turn, so a project switch brings its own budget.
        get budgetTokens() {
          return Math.max(1024, pilotCfg().context_length - maxTokensOf());
        },
        systemPrompt: async () =>
          `${systemMd.trim()}\n\n${await contextFor(state.binding, ports!)}`,
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
      const session = new PilotSession(sessionPorts, earlier);
      holder.session = session;
      let action: "exit" | "resume" | "interrupt" = "exit";
      for (;;) {
        if (interactive) Deno.stdout.writeSync(new TextEncoder().encode("❯ "));
        const next = await Promise.race([lines.next(), exitRequested]);
        if (next === "interrupt") {
          action = "interrupt";
          break;
        }
        presses.count = 0;
        const turn = new AbortController();
        presses.turn = turn;
        const result = await Promise.race([
          session.handle(next.done ? null : next.value, turn.signal),
          exitRequested,
        ]);
        presses.turn = undefined;
        if (presses.count === 1) presses.count = 0;
        if (result === "interrupt" || result === "exit" || result === "resume") {
          action = result;
          break;
        }
      }
      if (action === "interrupt") {
        out.err("lao: interrupted");
        return ExitCode.Interrupted;
      }
      if (switched) binding = state.binding;
      if (action === "exit") return ExitCode.Ok;
      // Hand over to the pipeline: its own manager swaps the planner/coder/reviewer in.
      listen(false);
      bus.emit({ type: "pilot.message", role: "info", text: "Pilot → Pipeline" });
      const runCtx = new CliContext(
        { ...ctx.deps, cwd: binding.configDir },
        {
          ...ctx.globals,
          singleRun: true,
          pilotOnly: false,
          ...(binding.configFile ? { config: binding.configFile } : {}),
        },
        ctx.gitFlagGiven,
      );
      let code: number;
      try {
        code = await (io.runPipeline ?? ((c) => runCommand(c, { json })))(runCtx);
      } catch (err) {
        if (err instanceof InterruptedError) return ExitCode.Interrupted;
        if (!(err instanceof UserError)) throw err;
        out.err(`lao: ${err.message}`);
        code = err.exitCode;
      } finally {
        runCtx.close();
      }
      listen(true);
      bus.emit({
        type: "pilot.message",
        role: "info",
        text: `Pipeline → Pilot (the run ended with exit code ${code})`,
      });
      deps = await pilotDeps(ctx, binding, bus, ports);
      opts = { ...opts, resume: true };
    }
  } finally {
    listen(false);
    detach();
    ports?.close();
    if (binding.store !== ctx.store) binding.store?.close();
  }
}

function initialBinding(ctx: CliContext, registry: ProjectRegistry): PilotBinding {
  const g = ctx.globals;
  const overrides = toOverrides(g, ctx.gitFlagGiven);
  const env = ctx.deps.env;
  const plan = g.plan;
  // No config here and none named: the project chosen with `lao projects use`.
  const here = ctx.loaded;
  const chosen = !here.configFile && !g.config ? registry.current() : undefined;
  const dir = chosen?.path ?? ctx.deps.cwd;
  return bindProject(dir, {
    env,
    ...(g.config && !chosen ? { configPath: g.config } : {}),
    overrides,
    ...(plan ? { plan } : {}),
  });
}

async function pilotDeps(
  ctx: CliContext,
  b: PilotBinding,
  bus: EventBus,
  ports: WorkspacePorts,
): Promise<BuiltPorts> {
  if (!b.store) {
    throw new UserError(
      `Cannot start Pilot in "${b.configDir}": no factory.yaml (run lao init, or lao projects use NAME)`,
    );
  }
  try {
    return await buildRunPorts({
      config: b.config,
      configDir: b.configDir,
      store: b.store,
      bus,
      signal: ctx.deps.signal ?? new AbortController().signal,
      stopping: () => false,
      version: VERSION,
      workspaceFs: ports.workspaceFs,
      shell: ports.shell,
    });
  } catch (err) {
    if (err instanceof LlmError && err.infrastructure) {
      throw new UserError(
        `Cannot reach the model server at ${b.config.lm_studio_base_url}: ${err.message}`,
        ExitCode.Failure,
      );
    }
    throw err;
  }
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

function projectStatusText(reg: ProjectRegistry, b: PilotBinding, nameOrPath?: string): string {
  if (!nameOrPath) {
    reg.refresh();
    const list = reg.list();
    if (!list.length) return "No projects registered yet: /project scan DIR finds them.";
    return list.map((p) =>
      `${p.path === b.configDir ? "* " : "  "}${p.name}: ${
        workLabel(p)
      }, ${p.plans_count} plan(s) — ${p.path}`
    ).join("\n");
  }
  const p = reg.get(nameOrPath) ?? reg.match(nameOrPath)[0];
  if (!p) return `ERROR: project "${nameOrPath}" is not registered (try /project scan)`;
  reg.add(p.path);
  return [
    `Project ${p.name}`,
    `  path: ${p.path}`,
    `  config: ${p.has_config ? "yes" : "no"}`,
    `  plans: ${p.plans_count}`,
    `  pending: ${p.pending_tasks}, failed: ${p.failed_tasks}`,
    `  last used: ${p.last_used}`,
  ].join("\n");
}

function projectPort(
  ctx: CliContext,
  reg: ProjectRegistry,
  onSwitch: (b: PilotBinding) => Promise<string>,
): ProjectPort {
  let current: PilotBinding | undefined;
  const status = (x?: string) =>
    projectStatusText(reg, current ?? ({ configDir: "" } as PilotBinding), x);
  return {
    list: () => Promise.resolve(status()),
    scan: async (dir) => {
      const found = reg.scan(dir ?? ctx.deps.cwd);
      await reg.save();
      return `Found ${found.length} project(s)${found.length ? ":\n" : "."}${
        found.map((p) => `  ${p.name}: ${workLabel(p)} — ${p.path}`).join("\n")
      }`;
    },
    status: (x) => Promise.resolve(status(x)),
    use: async (x) => {
      let hit = reg.get(x);
      if (!hit) {
        const matches = reg.match(x);
        if (matches.length > 1) {
          return `Multiple projects match "${x}": ${
            matches.map((m) => m.name).join(", ")
          }. Which one?`;
        }
        hit = matches[0] ?? reg.use(x);
      }
      if (!hit) return `Project "${x}" not found. Try /project scan DIR, then /project use NAME.`;
      let next: PilotBinding;
      try {
        next = bindProject(hit.path, { env: ctx.deps.env });
      } catch (err) {
        return `Cannot switch to ${hit.name}: ${err instanceof Error ? err.message : String(err)}`;
      }
      if (!next.store) {
        return `Cannot switch to ${hit.name}: it has no factory.yaml (run lao init there)`;
      }
      let models: string;
      try {
        models = await onSwitch(next);
      } catch (err) {
        next.store.close();
        return `Cannot switch to ${hit.name}: ${err instanceof Error ? err.message : String(err)}`;
      }
      reg.use(hit.path);
      await reg.save();
      current = next;
      return `Switched to project ${hit.name} (${hit.path}): ${workLabel(hit)}; ${models}.`;
    },
  };
}
