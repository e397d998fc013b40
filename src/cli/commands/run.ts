/**
 * `lao run`: checks the model server (unless replaying a cassette), takes the
 * run lock, attaches the UI to the event bus, runs the pipeline and prints
 * the final summary. First Ctrl+C finishes the current step, the second
 * aborts.
 *
 * @module
 */
import { EventBus } from "../../events/bus.ts";
import { errorMessage, ExitCode, UserError } from "../../errors.ts";
import { checkServer } from "../../models/check_server.ts";
import { formatHealth } from "../../models/health.ts";
import { buildRunPorts } from "../../pipeline/build_deps.ts";
import { resolvePlanPath } from "../../pipeline/intake.ts";
import { runPipeline, type RunResult } from "../../pipeline/run.ts";
import { acquireRunLock } from "../../store/run_lock.ts";
import { Store } from "../../store/store.ts";
import { attachUi } from "../../ui/attach.ts";
import { seedFromQueue } from "../../ui/dashboard_state.ts";
import { runLogPath } from "../../ui/run_log.ts";
import { selectUiMode } from "../../ui/select_mode.ts";
import { formatSummary, type RunSummary } from "../../ui/summary.ts";
import type { CliContext } from "../context.ts";
import { VERSION } from "../version.ts";
import { workspacePorts } from "../runtime.ts";
import { dirname, join, resolve } from "node:path";
import { existsSync } from "node:fs";
import { feedbackFindings } from "../../validate/repair.ts";

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

async function runOnce(
  ctx: CliContext,
  opts: RunCommandOptions,
  handoff: { requested: boolean },
): Promise<number> {
  const g = ctx.globals;
  const { config, configDir } = ctx.loaded;
  const out = ctx.out;
  const replay = g.replay ? resolve(ctx.deps.cwd, g.replay) : undefined;
  const record = g.record ? resolve(ctx.deps.cwd, g.record) : undefined;
  if (replay && record) throw new UserError(`"--record" and "--replay" cannot be used together`);

  const planPath = g.plan ? resolvePlanPath(g.plan, ctx.deps.cwd, config.paths.plans) : undefined;
  if (g.redecompose && !planPath) {
    throw new UserError(`"--redecompose" needs "--plan X": the plan to decompose again`);
  }
  const bus = new EventBus();
  const controller = new AbortController();
  const stopController = new AbortController();
  // An idle queue on a terminal stops the run the way a first Ctrl+C does, then the Pilot starts.
  const handoffController = new AbortController();
  const toPilot = pilotOnIdle(ctx, opts, out.isTty && Deno.stdin.isTerminal());
  const offIdle = toPilot
    ? bus.subscribe((e) => {
      if (e.type !== "run.state" || e.state !== "idle" || stopRequests > 0) return;
      handoff.requested = true;
      handoffController.abort();
    })
    : () => {};
  let stopRequests = 0;
  const onSignal = () => {
    stopRequests++;
    if (stopRequests === 1) {
      out.err("Stopping after the current step (Ctrl+C again to abort now)...");
      bus.emit({ type: "run.state", state: "stopping" });
      stopController.abort();
    } else controller.abort();
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, onSignal);

  try {
    // The sandbox policy first: `--sandbox required` without a sandbox exits 78 at once.
    const interactive = out.isTty && Deno.stdin.isTerminal();
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
    // Every state change the store makes goes onto the run's event bus.
    const store = new Store(ctx.store.db, { emit: bus.emit });
    const ttlMs = config.orchestration.run_lock_ttl_s * 1000;
    const lock = await acquireRunLock(store.db, { ttlMs, heartbeatMs: Math.max(100, ttlMs / 5) });
    const mode = selectUiMode({
      json: opts.json ?? g.json ?? false,
      plain: g.plain ?? false,
      envMode: ctx.deps.env("LAO_UI_MODE"),
      stdoutIsTty: out.isTty,
    });
    const ui = attachUi(bus, {
      mode,
      output: out,
      initial: seedFromQueue({ plans: store.listPlans(), tasks: store.listTasks() }),
      verbose: ctx.deps.env("LAO_DEBUG") !== undefined,
      runLogPath: runLogPath(configDir, new Date()),
    });
    let result: RunResult | undefined;
    // Commits per workspace during this run, for the summary.
    const commits = new Map<string, number>();
    const countCommits = bus.subscribe((e) => {
      if (e.type === "git.commit") commits.set(e.workspace, (commits.get(e.workspace) ?? 0) + 1);
    });
    try {
      bus.emit({ type: "sandbox.status", line: ports.statusLine });
      for (const w of ports.warnings) {
        bus.emit({ type: "log", level: "warn", message: w.replace(/^warning: /, "") });
      }
      const deps = await buildRunPorts({
        config,
        configDir,
        configFile: ctx.loaded.configFile,
        store,
        bus,
        signal: controller.signal,
        stopping: () => stopRequests > 0 || handoff.requested,
        stopSignal: AbortSignal.any([stopController.signal, handoffController.signal]),
        version: VERSION,
        ...(record ? { record } : {}),
        ...(replay ? { replay } : {}),
        workspaceFs: ports.workspaceFs,
        ...(ports.shell ? { shell: ports.shell } : {}),
        ...(ports.validationCommand ? { validationCommand: ports.validationCommand } : {}),
      });
      result = await runPipeline(deps, {
        ...(planPath ? { planPath } : {}),
        singleRun: g.singleRun === true || planPath !== undefined || replay !== undefined,
        architectOnly: g.architectOnly === true,
        ...(g.redecompose ? { redecompose: true } : {}),
        ...(g.planPhase ? { planPhase: g.planPhase } : {}),
      });
      // Handing over to the Pilot is no interruption.
      if (handoff.requested && stopRequests === 0) result = { ...result, interrupted: false };
      else handoff.requested = false;
      const summary = buildSummary(ctx, result, deps.models.stats(), commits);
      if (mode === "json") {
        out.out(JSON.stringify({ v: 1, type: "run.summary", ...summary }));
      } else {
        ui.close();
        for (const line of formatSummary(summary, { color: out.color })) out.out(line);
      }
    } finally {
      countCommits();
      ui.close();
      ports.close();
      lock.release();
    }
    if (result.interrupted) return ExitCode.Interrupted;
    if (handoff.requested && !result.infraError) {
      out.out("Queue idle → Pilot (/resume runs the queue again, /exit leaves)");
      return ExitCode.Ok;
    }
    if (result.infraError) {
      out.err(`lao: stopped: the model server stayed unavailable (${result.infraError})`);
      return ExitCode.Failure;
    }
    // A finished single run tells scripts whether everything it ran went through.
    const failedTasks = result.plans.flatMap((p) =>
      store.listTasks(p.id).filter((t) =>
        t.status === "failed" && t.escalation_reason !== "superseded"
      )
    );
    const undecomposed = result.plans.filter((p) =>
      store.getPlan(p.id)?.status === "decomposition_failed"
    );
    if (failedTasks.length || undecomposed.length) {
      const parts = [
        failedTasks.length ? `${failedTasks.length} task(s) failed` : "",
        undecomposed.length
          ? `${undecomposed.map((p) => p.filename).join(", ")} could not be decomposed`
          : "",
      ].filter(Boolean);
      out.err(`lao: ${parts.join("; ")}: see lao status, then lao retry-failed or edit the plan`);
      return ExitCode.Failure;
    }
    return ExitCode.Ok;
  } finally {
    offIdle();
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
  }
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

function buildSummary(
  ctx: CliContext,
  result: RunResult,
  stats: { loads: number; unloads: number; swaps: number; gateSeconds: number },
  commits: ReadonlyMap<string, number>,
): RunSummary {
  const store = ctx.store;
  const tokens = store.tokensByRole();
  return {
    tasksByStatus: store.statusCounts(),
    tokensByRole: Object.fromEntries(
      Object.entries(tokens).map((
        [role, t],
      ) => [role, { prompt: t.prompt, completion: t.completion }]),
    ),
    loads: stats.loads,
    unloads: stats.unloads,
    swaps: stats.swaps,
    loadsPerPlan: result.loadsPerPlan,
    memoryGateSeconds: stats.gateSeconds,
    wallSeconds: result.wallSeconds,
    plans: result.plans.map((p) => {
      const c = store.statusCounts(p.id);
      const files = new Set(store.listTasks(p.id).flatMap((t) => t.changed_files));
      return {
        filename: p.filename,
        status: store.getPlan(p.id)?.status ?? p.status,
        completed: c.completed,
        failed: c.failed,
        total: Object.values(c).reduce((a, b) => a + b, 0),
        ...(p.workspace
          ? { workspace: p.workspace, files: files.size, commits: commits.get(p.workspace) ?? 0 }
          : {}),
        ...(p.workspace_kind === "worktree" && p.branch ? { branch: p.branch } : {}),
      };
    }),
    failedTasks: result.plans.flatMap((p) =>
      store.listTasks(p.id)
        .filter((t) => t.status === "failed" && t.escalation_reason !== "superseded")
        .map((t) => ({
          id: t.id,
          title: t.title,
          plan: p.filename,
          findings: feedbackFindings(t.feedback),
        }))
    ),
    reports: result.plans.flatMap((p) => {
      const report = p.workspace ? join(p.workspace, "LAO_QUALITY.md") : "";
      return report && store.statusCounts(p.id).failed > 0 && existsSync(report) ? [report] : [];
    }),
    interrupted: result.interrupted,
  };
}
