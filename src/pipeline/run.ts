/**
 * `lao run`'s main loop: recover interrupted tasks, take in plans, decompose
 * them, run the scheduler, close finished plans, write reports, then either
 * stop (`--single-run`, waiting out cooldowns first) or watch for new plans.
 * The first Ctrl+C finishes the current step; the second aborts.
 *
 * @module
 */
import { decompositionBackoff } from "../phases/decompose.ts";
import { inWorktree, preparePlanWorkspace } from "../worktree/prepare.ts";
import { decomposeRevision } from "./revision.ts";
import { InterruptedError } from "../errors.ts";
import type { PlanRow } from "../store/store.ts";
import type { RunPorts } from "./run_ports.ts";
import {
  listPlanFiles,
  PlanWatcher,
  readPlanText,
  registerPlanFile,
  scanPlans,
  type StatePaths,
} from "./intake.ts";
import { dependencyDepth, loadLowerBound } from "./model_loads.ts";
import { planDeliverables, planPhases } from "./plan_metadata.ts";
import { refreshPlanReports } from "./refresh_reports.ts";
import { newSchedulerState, processQueue } from "./scheduler.ts";

/** Options of {@linkcode runPipeline}. */
export interface RunOptions {
  /** Absolute path of the only plan to run (`--plan`). */
  planPath?: string;
  singleRun?: boolean;
  architectOnly?: boolean;
  /** Only tasks of this phase are coded/reviewed (`--plan-phase`). */
  planPhase?: string;
  /** Decompose the whole `--plan` again (`--redecompose`). */
  redecompose?: boolean;
  /** Give up after this many consecutive model-server pauses in single-run mode. */
  maxInfraPauses?: number;
}

/** What a run did. */
export interface RunResult {
  plans: PlanRow[];
  processed: number;
  interrupted: boolean;
  /** Set when the run stopped because the model server stayed unavailable. */
  infraError?: string;
  /** Loads per plan next to the plan's lower bound. */
  loadsPerPlan: Record<string, { loads: number; lowerBound: number }>;
  wallSeconds: number;
}

/** Runs the pipeline until done (single-run) or stopped. */
export async function runPipeline(deps: RunPorts, opts: RunOptions = {}): Promise<RunResult> {
  const started = deps.now().getTime();
  const { store, config } = deps;
  const log = (level: "info" | "warn" | "error", message: string) =>
    deps.emit({ type: "log", level, message, source: "run" });
  const inMs = (ms: number) => new Date(deps.now().getTime() + ms).toISOString();
  // "idle: watching" is said once per idle spell, not on every rescan.
  let idleAnnounced = false;
  const recovered = store.recover();
  if (recovered.coding + recovered.review > 0) {
    log(
      "info",
      `recovered ${recovered.coding} coding and ${recovered.review} review tasks after an interruption`,
    );
  }
  await deps.ensureDir(config.paths.plans);

  let onlyPlan: string | null = null;
  if (opts.planPath) {
    const item = registerPlanFile(
      store,
      deps.configDir,
      opts.planPath,
      statePaths(deps),
      undefined,
      {
        planWorkspace: config.paths.plan_workspace,
        ...(opts.redecompose ? { redecompose: true } : {}),
      },
    );
    onlyPlan = item.plan.id;
    if (!item.created && item.plan.status === "decomposition_failed") {
      store.setPlanStatus(item.plan.id, "decomposing", "retry requested with --plan");
    }
  }

  // Loads attributed to the plan being worked on.
  const loadsByPlan = new Map<string, number>();
  let currentPlan: string | null = null;
  const unsubscribe = trackLoads(deps, () => currentPlan, loadsByPlan);
  const scheduler = newSchedulerState();
  let processed = 0;
  let infraPauses = 0;
  let infraError: string | undefined;
  let interrupted = false;
  // Plans whose tasks or status changed since their reports were last written.
  const touched = new Set<string>();
  const unwatchChanges = deps.bus.subscribe((e) => {
    if (e.type === "task.transition" || e.type === "plan.status") touched.add(e.planId);
  });

  if (
    !onlyPlan && store.listPlans().length === 0 && listPlanFiles(config.paths.plans).length === 0
  ) {
    log(
      "info",
      `no plans yet: put a markdown plan (*.md) in ${config.paths.plans}/`,
    );
  }
  const watcher = onlyPlan || opts.singleRun ? null : new PlanWatcher(config.paths.plans);
  // One python3 for the run's syntax checks; it boots while the planner works.
  deps.python?.start();
  try {
    while (!deps.stopping()) {
      watcher?.clear();
      if (!onlyPlan) {
        const intake = { planWorkspace: config.paths.plan_workspace };
        for (
          const item of scanPlans(
            store,
            deps.configDir,
            config.paths.plans,
            statePaths(deps),
            intake,
          )
        ) {
          idleAnnounced = false;
          log(
            "info",
            item.supersedes
              ? `${item.plan.filename}: new revision ${item.plan.id} supersedes ${item.supersedes.id}`
              : `${item.plan.filename}: registered as plan ${item.plan.id}`,
          );
        }
      }

      // Architect.
      let infraThisPass: string | undefined;
      for (let plan of store.plansToDecompose()) {
        if (onlyPlan && plan.id !== onlyPlan) continue;
        if (deps.stopping()) break;
        currentPlan = plan.id;
        const text = await readPlanText(plan, config.git.plan_file_name);
        if (text === null) {
          store.markDecompositionFailed(plan.id, "the plan file is gone", 3600);
          continue;
        }
        // A plan on existing code works in its git worktree: made before anything touches it.
        const placed = await preparePlanWorkspace(store, deps.configDir, plan);
        if (!placed.ok) {
          store.markDecompositionFailed(plan.id, placed.problem, 3600);
          log("error", `${plan.filename}: ${placed.problem}`);
          continue;
        }
        plan = store.getPlan(plan.id)!;
        await deps.ensureDir(plan.workspace!);
        store.seedPlanMetadata(plan.id, planPhases(text), planDeliverables(text));
        const git = deps.git(plan.workspace!, plan.id);
        if (plan.decompose_attempts === 0 && plan.status === "decomposing") {
          await git.commitPlanSnapshot(text, {
            sourceFile: plan.filename,
            stem: plan.stem,
            planId: plan.id,
            version: deps.version,
          });
        }
        const result = await decomposeRevision(deps, plan, text);
        if (result.ok) {
          const tasks = store.listTasks(plan.id);
          await git.commitArchitect({
            planId: plan.id,
            stem: plan.stem,
            tasks: tasks.map((t) => ({ id: t.id, title: t.title, status: t.status })),
          });
          log("info", `${plan.filename}: decomposed into ${tasks.length} tasks`);
        } else if (result.infrastructure) {
          // The server, not the plan, failed: no attempt used; the pause below retries it.
          log("warn", `${plan.filename}: decomposition paused (${result.error})`);
          infraThisPass = result.error;
        } else {
          const backoff = decompositionBackoff(plan.decompose_attempts);
          store.markDecompositionFailed(plan.id, result.error, backoff);
          log(
            "error",
            `${plan.filename}: decomposition failed (${result.error}); retrying in ${backoff}s`,
          );
        }
      }
      if (opts.architectOnly) break;

      // Coder and reviewer waves.
      currentPlan = onlyPlan;
      // A worktree whose folder went missing is re-attached before a task writes there.
      for (const plan of store.listPlans()) {
        if (plan.status !== "active" || !inWorktree(plan)) continue;
        const placed = await preparePlanWorkspace(store, deps.configDir, plan);
        if (!placed.ok) {
          store.cancelPlanTasks(plan.id, placed.problem);
          log("error", `${plan.filename}: ${placed.problem}; its open tasks were cancelled`);
        }
      }
      const queue = await processQueue(deps, scheduler, {
        planId: onlyPlan,
        phase: opts.planPhase ?? null,
      });
      processed += queue.processed;
      if (queue.processed > 0) idleAnnounced = false;
      store.closeFinishedPlans(
        config.orchestration.strict_adherence
          ? { allowedStatuses: config.orchestration.strict_closure_allowed_statuses }
          : undefined,
      );
      infraThisPass ??= queue.infraError;
      // A pass that ended in an outage only handed tasks back: its reports wait for the next
      // pass that does work (or the end of the run), so a long outage makes no report commits.
      if (!infraThisPass) await reportTouched(deps, touched);

      if (infraThisPass) {
        infraPauses++;
        infraError = infraThisPass;
        if (opts.singleRun && infraPauses > (opts.maxInfraPauses ?? 6)) break;
        const pause = Math.min(60, 2 ** infraPauses) * 1000;
        log(
          "warn",
          `model server unavailable (${infraThisPass}); pausing ${
            pause / 1000
          }s, no task attempts used`,
        );
        deps.emit({
          type: "run.state",
          state: "paused",
          until: inMs(pause),
          reason: "model server unavailable",
        });
        idleAnnounced = false;
        await idle(deps, () => deps.sleep(pause, idleSignal(deps)));
        continue;
      }
      infraPauses = 0;
      infraError = undefined;

      const remaining = workLeft(deps, onlyPlan, opts.planPhase ?? null);
      if (remaining === "now") continue;
      if (opts.singleRun) {
        if (remaining instanceof Date) {
          const wait = Math.max(0, remaining.getTime() - deps.now().getTime());
          log("info", `waiting ${Math.ceil(wait / 1000)}s for a rework cooldown`);
          deps.emit({ type: "run.state", state: "cooldown", until: inMs(wait) });
          await idle(deps, () => deps.sleep(wait + 5, idleSignal(deps)));
          continue;
        }
        break;
      }
      const until = remaining instanceof Date
        ? Math.max(
          100,
          Math.min(
            remaining.getTime() - deps.now().getTime() + 5,
            config.orchestration.plan_watch_interval_s * 1000,
          ),
        )
        : config.orchestration.plan_watch_interval_s * 1000;
      if (!idleAnnounced) {
        log("info", `idle: watching ${config.paths.plans} for plans`);
        deps.emit({ type: "run.state", state: "idle", reason: `watching ${config.paths.plans}` });
        idleAnnounced = true;
      }
      if (watcher) await watcher.wait(until, idleSignal(deps));
      else await idle(deps, () => deps.sleep(until, idleSignal(deps)));
    }
    // Reports held back during an outage the run gave up on.
    await reportTouched(deps, touched);
  } catch (err) {
    if (!(err instanceof InterruptedError)) throw err;
    interrupted = true;
  } finally {
    unsubscribe();
    unwatchChanges();
    watcher?.close();
    await deps.python?.close();
  }
  interrupted ||= deps.stopping();

  const plans = onlyPlan ? [store.getPlan(onlyPlan)!] : store.listPlans();
  const keys = {
    planner: config.models.planner.key,
    coder: config.models.coder.key,
    reviewer: config.models.reviewer.key,
  };
  const loadsPerPlan: RunResult["loadsPerPlan"] = {};
  for (const plan of plans) {
    if (!loadsByPlan.has(plan.id)) continue;
    loadsPerPlan[plan.filename] = {
      loads: loadsByPlan.get(plan.id) ?? 0,
      lowerBound: loadLowerBound(dependencyDepth(store.listTasks(plan.id)), keys),
    };
  }
  return {
    plans,
    processed,
    interrupted,
    ...(infraError ? { infraError } : {}),
    loadsPerPlan,
    wallSeconds: (deps.now().getTime() - started) / 1000,
  };
}

/** LAO's own state that no plan workspace may contain (the intake refuses such a plan). */
function statePaths(deps: RunPorts): StatePaths {
  return {
    plans: deps.config.paths.plans,
    database: deps.config.paths.database,
    configFile: deps.configFile ?? null,
  };
}

/** Aborts on the second Ctrl+C, and on the first one too when only waiting. */
function idleSignal(deps: RunPorts): AbortSignal {
  return deps.stopSignal ? AbortSignal.any([deps.signal, deps.stopSignal]) : deps.signal;
}

/** Runs an idle wait; being woken by the first Ctrl+C is not an interruption of work. */
async function idle(deps: RunPorts, wait: () => Promise<void>): Promise<void> {
  try {
    await wait();
  } catch (err) {
    if (!(err instanceof InterruptedError) || deps.signal.aborted) throw err;
  }
}

/** "now" when a task can move now, a Date when only cooldowns remain, null when nothing is left. */
function workLeft(
  deps: RunPorts,
  planId: string | null,
  phase: string | null,
): "now" | Date | null {
  const { store } = deps;
  if (
    store.runnable({ planId, phase, limit: 1 }).length ||
    store.coded({ planId, phase, limit: 1 }).length
  ) {
    return "now";
  }
  if (store.plansToDecompose().some((p) => !planId || p.id === planId)) return "now";
  return store.nextCooldownEnd(planId);
}

async function reportTouched(deps: RunPorts, touched: Set<string>) {
  for (const id of touched) {
    const plan = deps.store.getPlan(id);
    if (!plan) continue;
    try {
      await refreshPlanReports(deps, plan, deps.models.stats());
    } catch (err) {
      if (err instanceof InterruptedError) throw err;
      deps.emit({
        type: "log",
        level: "warn",
        message: `${plan.filename}: report not written: ${err}`,
      });
    }
  }
  touched.clear();
}

function trackLoads(
  deps: RunPorts,
  current: () => string | null,
  loads: Map<string, number>,
): () => void {
  let active: string | null = null;
  return deps.bus.subscribe((event) => {
    if (event.type === "phase.start" && event.planId) active = event.planId;
    if (event.type === "model.load") {
      const plan = active ?? current();
      if (plan) loads.set(plan, (loads.get(plan) ?? 0) + 1);
    }
  });
}
