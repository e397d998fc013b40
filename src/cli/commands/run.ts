/**
 * `lao run`: checks the model server (unless replaying a cassette), takes the
 * run lock, attaches the UI to the event bus, runs the pipeline and prints
 * the final summary, built from the run's events (`ui/summary_events.ts`).
 * First Ctrl+C finishes the current step, the second aborts.
 *
 * @module
 */
import { EventBus } from "../../events/bus.ts";
import { errorMessage, ExitCode, UserError } from "../../errors.ts";
import { checkServer } from "../../models/check_server.ts";
import { formatHealth } from "../../models/health.ts";
import { type BuildOptions, buildRunPorts } from "../../pipeline/build_deps.ts";
import { resolvePlanPath } from "../../pipeline/intake.ts";
import { buildLanes } from "../../pipeline/server_lanes.ts";
import { slotsFlag } from "../../models/servers.ts";
import { type RunOptions, runPipeline, type RunResult } from "../../pipeline/run.ts";
import { acquireRunLock } from "../../store/run_lock.ts";
import { Store } from "../../store/store.ts";
import { attachUi } from "../../ui/attach.ts";
import { seedFromQueue } from "../../ui/dashboard_state.ts";
import { runLogPath } from "../../ui/run_log.ts";
import { selectUiMode } from "../../ui/select_mode.ts";
import { formatSummary, type RunSummary } from "../../ui/summary.ts";
import { runSummary, subscribeSummary, type SummaryState } from "../../ui/summary_events.ts";
import type { CliContext } from "../context.ts";
import { VERSION } from "../version.ts";
import { workspacePorts } from "../runtime.ts";
import { warnUnavailableOnce } from "../unavailable_commands.ts";
import { dirname, join, resolve } from "node:path";
import { existsSync } from "node:fs";
import { feedbackFindings } from "../../validate/repair.ts";
import { type RunExit, runExit } from "./run_exit.ts";

/** Options of `lao run` beyond the global ones. */
export interface RunCommandOptions {
  json?: boolean;
}

/**
 * Runs `lao run`. Returns the exit code. With `--json`, a run that cannot start
 * or stops on an error also ends its event stream with one `run.failed` object
 * (`{"v":1,"type":"run.failed","message":…,"exitCode":…}`); the message is
 * printed on stderr as well.
 */
export async function runCommand(ctx: CliContext, opts: RunCommandOptions): Promise<number> {
  const json = opts.json === true || ctx.globals.json === true;
  // `--pilot-only`, and an interactive run whose queue went idle: the Pilot (its /resume runs the queue again).
  const pilot = async () => (await import("./pilot.ts")).pilotCommand(ctx, { json });
  if (ctx.globals.pilotOnly) return await pilot();
  const handoff = { requested: false };
  try {
    const code = await runOnce(ctx, opts, handoff);
    return handoff.requested && code === ExitCode.Ok ? await pilot() : code;
  } catch (err) {
    if (json) {
      const exitCode = err instanceof UserError ? err.exitCode : ExitCode.Internal;
      ctx.out.out(JSON.stringify({
        v: 1,
        at: new Date().toISOString(),
        type: "run.failed",
        message: errorMessage(err),
        exitCode,
      }));
    }
    throw err;
  }
}

/**
 * True when a run hands over to the Pilot once its queue is idle: a watching
 * run (not `--single-run`, `--plan` or a replay) on a terminal, not `--json`,
 * without `--no-pilot`, with `orchestration.pilot_mode_enabled`.
 */
export function pilotOnIdle(
  ctx: CliContext,
  opts: RunCommandOptions,
  terminal: boolean,
): boolean {
  const g = ctx.globals;
  return terminal && g.pilot !== false && g.singleRun !== true && !g.plan && !g.replay &&
    !g.architectOnly && opts.json !== true && g.json !== true &&
    ctx.loaded.config.orchestration.pilot_mode_enabled;
}

/** The flags of a run, checked: the cassette to replay or record, the `--plan` path. */
interface RunInputs {
  replay?: string;
  record?: string;
  planPath?: string;
}

function runInputs(ctx: CliContext): RunInputs {
  const g = ctx.globals;
  const { config } = ctx.loaded;
  const replay = g.replay ? resolve(ctx.deps.cwd, g.replay) : undefined;
  const record = g.record ? resolve(ctx.deps.cwd, g.record) : undefined;
  if (replay && record) throw new UserError(`"--record" and "--replay" cannot be used together`);
  const planPath = g.plan ? resolvePlanPath(g.plan, ctx.deps.cwd, config.paths.plans) : undefined;
  if (g.redecompose && !planPath) {
    throw new UserError(`"--redecompose" needs "--plan X": the plan to decompose again`);
  }
  return {
    ...(replay ? { replay } : {}),
    ...(record ? { record } : {}),
    ...(planPath ? { planPath } : {}),
  };
}

/** Ctrl+C (and SIGTERM): the first finishes the current step, the second aborts. */
interface StopControls {
  /** Aborted on the second request. */
  abort: AbortSignal;
  /** Aborted on the first request. */
  stop: AbortSignal;
  /** Stop requests so far. */
  requests: () => number;
  /** Removes the signal listeners. */
  dispose: () => void;
  /** The UI is subscribed to the bus: the stop notice goes through it from now on. */
  uiAttached: () => void;
}

function listenForStops(ctx: CliContext, bus: EventBus): StopControls {
  const controller = new AbortController();
  const stopController = new AbortController();
  let requests = 0;
  let uiUp = false;
  const onSignal = () => {
    requests++;
    if (requests === 1) {
      const message = "Stopping after the current step (Ctrl+C again to abort now)";
      // Once the UI is up, through it: a line written past the dashboard would be erased.
      if (uiUp) bus.emit({ type: "log", level: "warn", message });
      else ctx.out.err(`${message}...`);
      bus.emit({ type: "run.state", state: "stopping" });
      stopController.abort();
    } else controller.abort();
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  return {
    abort: controller.signal,
    stop: stopController.signal,
    requests: () => requests,
    uiAttached: () => {
      uiUp = true;
    },
    dispose: () => {
      for (const s of signals) Deno.removeSignalListener(s, onSignal);
    },
  };
}

/**
 * An idle queue on a terminal stops the run the way a first Ctrl+C does, then
 * the Pilot starts ({@linkcode pilotOnIdle}); the returned signal is aborted then.
 */
function watchForIdle(
  ctx: CliContext,
  opts: RunCommandOptions,
  bus: EventBus,
  stops: StopControls,
  handoff: { requested: boolean },
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  if (!pilotOnIdle(ctx, opts, ctx.out.isTty && Deno.stdin.isTerminal())) {
    return { signal: controller.signal, dispose: () => {} };
  }
  const dispose = bus.subscribe((e) => {
    if (e.type !== "run.state" || e.state !== "idle" || stops.requests() > 0) return;
    handoff.requested = true;
    controller.abort();
  });
  return { signal: controller.signal, dispose };
}

/** The sandbox policy first (`--sandbox required` without a sandbox exits 78 at once), then the server. */
async function readyPorts(ctx: CliContext, replay: string | undefined) {
  const { config, configDir } = ctx.loaded;
  const interactive = ctx.out.isTty && Deno.stdin.isTerminal();
  const ports = await workspacePorts(config, {
    logDir: join(configDir, ".lao", "logs"),
    isTty: interactive,
    hidden: [configDir, dirname(config.paths.database)],
    ...(interactive ? { confirm: confirmCommand } : {}),
  });
  try {
    if (!replay) await requireReadyServer(ctx);
  } catch (err) {
    ports.close();
    throw err;
  }
  return ports;
}

/** Attaches the chosen UI (dashboard, plain log or JSON lines) to the run's bus. */
function startUi(ctx: CliContext, opts: RunCommandOptions, bus: EventBus, store: Store) {
  const g = ctx.globals;
  const mode = selectUiMode({
    json: opts.json ?? g.json ?? false,
    plain: g.plain ?? false,
    envMode: ctx.deps.env("LAO_UI_MODE"),
    stdoutIsTty: ctx.out.isTty,
  });
  const ui = attachUi(bus, {
    mode,
    output: ctx.out,
    initial: seedFromQueue({ plans: store.listPlans(), tasks: store.listTasks() }),
    verbose: ctx.deps.env("LAO_DEBUG") !== undefined,
    runLogPath: runLogPath(ctx.loaded.configDir, new Date()),
  });
  return { mode, ui };
}

/** The summary's view of the run: the queue now, then every event the run emits. */
function followSummary(bus: EventBus, store: Store) {
  return subscribeSummary(bus, {
    tasks: store.listTasks(),
    plans: store.listPlans(),
    tokensByRole: store.tokensByRole(),
  });
}

async function runOnce(
  ctx: CliContext,
  opts: RunCommandOptions,
  handoff: { requested: boolean },
): Promise<number> {
  const inputs = runInputs(ctx);
  const bus = new EventBus();
  const stops = listenForStops(ctx, bus);
  const idle = watchForIdle(ctx, opts, bus, stops, handoff);
  try {
    const ports = await readyPorts(ctx, inputs.replay);
    // Every state change the store makes goes onto the run's event bus.
    const store = new Store(ctx.store.db, { emit: bus.emit });
    const ttlMs = ctx.loaded.config.orchestration.run_lock_ttl_s * 1000;
    const lock = await acquireRunLock(store.db, { ttlMs, heartbeatMs: Math.max(100, ttlMs / 5) });
    const { mode, ui } = startUi(ctx, opts, bus, store);
    stops.uiAttached();
    const summarised = followSummary(bus, store);
    let result: RunResult;
    let summary: RunSummary;
    try {
      bus.emit({ type: "sandbox.status", line: ports.statusLine });
      for (const w of ports.warnings) {
        bus.emit({ type: "log", level: "warn", message: w.replace(/^warning: /, "") });
      }
      const deps = await buildRunPorts(buildOptions(ctx, inputs, { store, bus, ports, stops }, {
        stopping: () => stops.requests() > 0 || handoff.requested,
        stopSignal: AbortSignal.any([stops.stop, idle.signal]),
      }));
      const lanes = inputs.replay
        ? null
        : await buildLanes(deps, ctx.loaded.config, slotsFlag(ctx.globals.slots));
      result = await runPipeline(lanes ? { ...deps, lanes } : deps, pipelineOptions(ctx, inputs));
      // Handing over to the Pilot is no interruption.
      if (handoff.requested && stops.requests() === 0) result = { ...result, interrupted: false };
      else handoff.requested = false;
      summary = buildSummary(result, summarised.state());
      printSummary(ctx, mode, ui, summary);
    } finally {
      summarised.dispose();
      ui.close();
      ports.close();
      lock.release();
    }
    return finishRun(ctx, runExit(result, handoff.requested, unfinished(summary)));
  } finally {
    idle.dispose();
    stops.dispose();
  }
}

/** The run's ports: its store and bus, the workspace ports, the stop signals. */
function buildOptions(
  ctx: CliContext,
  inputs: RunInputs,
  run: {
    store: Store;
    bus: EventBus;
    ports: Awaited<ReturnType<typeof readyPorts>>;
    stops: StopControls;
  },
  stop: { stopping: () => boolean; stopSignal: AbortSignal },
): BuildOptions {
  return {
    config: ctx.loaded.config,
    configDir: ctx.loaded.configDir,
    configFile: ctx.loaded.configFile,
    store: run.store,
    bus: run.bus,
    signal: run.stops.abort,
    ...stop,
    version: VERSION,
    ...(inputs.record ? { record: inputs.record } : {}),
    ...(inputs.replay ? { replay: inputs.replay } : {}),
    workspaceFs: run.ports.workspaceFs,
    releaseWorkspace: run.ports.release,
    ...(run.ports.shell ? { shell: run.ports.shell } : {}),
    ...(run.ports.validationCommand
      ? {
        validationCommand: warnUnavailableOnce(
          run.ports.validationCommand,
          (message) => run.bus.emit({ type: "log", level: "warn", message }),
        ),
      }
      : {}),
  };
}

/** The run summary: one JSON object with `--json`, else lines after the UI is closed. */
function printSummary(
  ctx: CliContext,
  mode: ReturnType<typeof selectUiMode>,
  ui: { close(): void },
  summary: RunSummary,
) {
  if (mode === "json") {
    ctx.out.out(JSON.stringify({ v: 1, type: "run.summary", ...summary }));
    return;
  }
  ui.close();
  for (const line of formatSummary(summary, { color: ctx.out.color })) ctx.out.out(line);
}

/** The pipeline's options from the flags. */
function pipelineOptions(ctx: CliContext, inputs: RunInputs): RunOptions {
  const g = ctx.globals;
  const { planPath } = inputs;
  return {
    ...(planPath ? { planPath } : {}),
    singleRun: g.singleRun === true || planPath !== undefined || inputs.replay !== undefined,
    architectOnly: g.architectOnly === true,
    ...(g.redecompose ? { redecompose: true } : {}),
    ...(g.planPhase ? { planPhase: g.planPhase } : {}),
  };
}

/** What a finished run left undone: failed tasks (not superseded), plans not decomposed. */
function unfinished(summary: RunSummary) {
  return {
    failedTasks: summary.failedTasks?.length ?? 0,
    undecomposed: summary.plans.filter((p) => p.status === "decomposition_failed")
      .map((p) => p.filename),
  };
}

function finishRun(ctx: CliContext, exit: RunExit): number {
  if (exit.out) ctx.out.out(exit.out);
  if (exit.err) ctx.out.err(exit.err);
  return exit.code;
}

/** Refuses to start when the server is unreachable or a configured model is missing. */
async function requireReadyServer(ctx: CliContext): Promise<void> {
  const health = await checkServer(ctx.loaded.config);
  if (!health.ok) {
    // An unreachable server needs no report: the hint says it all.
    if (health.server.reachable) {
      for (const line of formatHealth(health).split("\n")) ctx.out.err(line);
    }
    // Every fix once: all but the first here, the first as the error that stops the run.
    for (const hint of health.hints.slice(1)) ctx.out.err(`lao: ${hint}`);
    throw new UserError(health.hints[0] ?? "the model server is not ready", ExitCode.Failure);
  }
}

async function confirmCommand(command: string, reason: string): Promise<boolean> {
  const { confirm } = await import("@inquirer/prompts");
  return await confirm({ message: `Run \`${command}\`? (${reason})`, default: false });
}

/** The summary from the events the run emitted and what the pipeline measured. */
function buildSummary(result: RunResult, state: SummaryState): RunSummary {
  return runSummary(state, {
    plans: result.plans,
    loadsPerPlan: result.loadsPerPlan,
    wallSeconds: result.wallSeconds,
    ...(result.slotUsage ? { slots: result.slotUsage } : {}),
    interrupted: result.interrupted,
    findings: (feedback) => feedbackFindings(feedback),
    reportExists: existsSync,
  });
}
