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
import { settleCommits } from "../git/commit_queue.ts";
import { isPlaced, type PlanRow } from "../store/store.ts";
import type { RunPorts } from "./run_ports.ts";
import {
  listPlanFiles,
  PlanWatcher,
  readPlanContent,
  readPlanText,
  registerPlanFile,
  scanPlans,
  type StatePaths,
} from "./intake.ts";
import { dependencyDepth, loadLowerBound } from "./model_loads.ts";
import { planDeliverables, planPhases } from "./plan_metadata.ts";
import { refreshPlanReports } from "./refresh_reports.ts";
import { givesUp, infraPauseMs, nextStep } from "./run_waits.ts";
import { newSchedulerState, processQueue, type SchedulerState } from "./scheduler.ts";
import { processQueueParallel } from "./parallel_scheduler.ts";
import { type SlotUsage, trackSlots } from "./slot_usage.ts";

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
  /** Slot use per server and the sequential estimate (runs with slots only; issue 16). */
  slotUsage?: SlotUsage;
}

/** The loop's memory between passes. */
interface LoopState {
  /** The only plan of the run (`--plan`), or null for all. */
  onlyPlan: string | null;
  scheduler: SchedulerState;
  processed: number;
  /** Model-server outages in a row. */
  infraPauses: number;
  infraError?: string;
  /** "idle: watching" is said once per idle spell, not on every rescan. */
  idleAnnounced: boolean;
  /** The plan being worked on (load accounting between phases). */
  currentPlan: string | null;
  loadsByPlan: Map<string, number>;
  /** Plans whose tasks or status changed since their reports were last written. */
  touched: Set<string>;
}

/** Runs the pipeline until done (single-run) or stopped. */
export async function runPipeline(deps: RunPorts, opts: RunOptions = {}): Promise<RunResult> {
  const started = deps.now().getTime();
  recoverTasks(deps);
  await deps.plans.ensure();
  const state: LoopState = {
    onlyPlan: registerOnlyPlan(deps, opts),
    scheduler: newSchedulerState(),
    processed: 0,
    infraPauses: 0,
    idleAnnounced: false,
    currentPlan: null,
    loadsByPlan: new Map(),
    touched: new Set(),
  };
  const unsubscribe = [trackLoads(deps, state), trackTouched(deps, state.touched)];
  const slots = deps.lanes ? trackSlots(deps.bus, deps.lanes, deps.now) : null;
  announceNoPlans(deps, state.onlyPlan);
  const watcher = state.onlyPlan || opts.singleRun
    ? null
    : new PlanWatcher(deps.plans, (ms, signal) => deps.sleep(ms, signal));
  // The run's python3 for syntax checks starts at its first Python file (none without one).
  let interrupted = false;
  try {
    await loop(deps, opts, state, watcher);
    // Reports held back during an outage the run gave up on.
    await reportTouched(deps, state.touched);
  } catch (err) {
    if (!(err instanceof InterruptedError)) throw err;
    interrupted = true;
  } finally {
    // Commits queued in the background land before the run ends (or the interrupt returns).
    await settleCommits();
    for (const off of unsubscribe) off();
    watcher?.close();
    await deps.python?.close();
  }
  const result = runResult(deps, state, interrupted || deps.stopping(), started);
  return slots ? { ...result, slotUsage: slots.finish() } : result;
}

/** Passes until stopped, done (single run) or given up on an outage. */
async function loop(
  deps: RunPorts,
  opts: RunOptions,
  state: LoopState,
  watcher: PlanWatcher | null,
): Promise<void> {
  while (!deps.stopping()) {
    watcher?.clear();
    if (!state.onlyPlan) takeInPlans(deps, state);
    const decomposeOutage = await decomposePlans(deps, state);
    if (opts.architectOnly) return;
    const queueOutage = await runTasks(deps, opts, state);
    const outage = decomposeOutage ?? queueOutage;
    // A pass that ended in an outage only handed tasks back: its reports wait for the next
    // pass that does work (or the end of the run), so a long outage makes no report commits.
    if (outage) {
      if (await pauseForServer(deps, opts, state, outage) === "give-up") return;
      continue;
    }
    await reportTouched(deps, state.touched);
    state.infraPauses = 0;
    state.infraError = undefined;
    const next = nextStep(workLeft(deps, state.onlyPlan, opts.planPhase ?? null), {
      singleRun: opts.singleRun === true,
      nowMs: deps.now().getTime(),
      watchIntervalS: deps.config.orchestration.plan_watch_interval_s,
    });
    if (next.kind === "done") return;
    if (next.kind === "cooldown") await waitCooldown(deps, next.waitMs);
    if (next.kind === "watch") await watch(deps, state, watcher, next.waitMs);
  }
}

function log(deps: RunPorts, level: "info" | "warn" | "error", message: string) {
  deps.emit({ type: "log", level, message, source: "run" });
}

/** The time `ms` from now, as the ISO string of `run.state` events. */
function inMs(deps: RunPorts, ms: number): string {
  return new Date(deps.now().getTime() + ms).toISOString();
}

/** Hands tasks an interrupted run left in coding or review back to the queue. */
function recoverTasks(deps: RunPorts) {
  const recovered = deps.store.recover();
  if (recovered.coding + recovered.review > 0) {
    log(
      deps,
      "info",
      `recovered ${recovered.coding} coding and ${recovered.review} review tasks after an interruption`,
    );
  }
}

/** Registers `--plan` (a failed decomposition is retried); its id, or null without `--plan`. */
function registerOnlyPlan(deps: RunPorts, opts: RunOptions): string | null {
  if (!opts.planPath) return null;
  const { store, config } = deps;
  const content = readPlanContent(opts.planPath, deps.plans);
  const item = registerPlanFile(store, deps.configDir, opts.planPath, statePaths(deps), content, {
    planWorkspace: config.paths.plan_workspace,
    ...(opts.redecompose ? { redecompose: true } : {}),
  });
  if (!item.created && item.plan.status === "decomposition_failed") {
    store.setPlanStatus(item.plan.id, "decomposing", "retry requested with --plan");
  }
  return item.plan.id;
}

function announceNoPlans(deps: RunPorts, onlyPlan: string | null) {
  const plans = deps.plans;
  if (!onlyPlan && deps.store.listPlans().length === 0 && listPlanFiles(plans).length === 0) {
    log(deps, "info", `no plans yet: put a markdown plan (*.md) in ${plans.dir}/`);
  }
}

/** Registers new and changed plan files. */
function takeInPlans(deps: RunPorts, state: LoopState) {
  const { config } = deps;
  const intake = { planWorkspace: config.paths.plan_workspace };
  for (
    const item of scanPlans(
      deps.store,
      deps.configDir,
      deps.plans,
      statePaths(deps),
      intake,
    )
  ) {
    state.idleAnnounced = false;
    log(
      deps,
      "info",
      item.supersedes
        ? `${item.plan.filename}: new revision ${item.plan.id} supersedes ${item.supersedes.id}`
        : `${item.plan.filename}: registered as plan ${item.plan.id}`,
    );
  }
}

/** Decomposes every plan waiting for it; the outage that paused one, if any. */
async function decomposePlans(deps: RunPorts, state: LoopState): Promise<string | undefined> {
  let outage: string | undefined;
  for (const plan of deps.store.plansToDecompose()) {
    if (state.onlyPlan && plan.id !== state.onlyPlan) continue;
    if (deps.stopping()) break;
    state.currentPlan = plan.id;
    outage = await decomposeOne(deps, plan) ?? outage;
  }
  return outage;
}

/** Places, snapshots and decomposes one plan; the outage that paused it, if any. */
async function decomposeOne(deps: RunPorts, waiting: PlanRow): Promise<string | undefined> {
  const { store } = deps;
  const text = await readPlanText(waiting, deps.config.git.plan_file_name, deps);
  if (text === null) {
    store.markDecompositionFailed(waiting.id, "the plan file is gone", 3600);
    return undefined;
  }
  // A plan on existing code works in its git worktree: made before anything touches it.
  const placed = await preparePlanWorkspace(store, deps.configDir, waiting);
  if (!placed.ok) {
    store.markDecompositionFailed(waiting.id, placed.problem, 3600);
    log(deps, "error", `${waiting.filename}: ${placed.problem}`);
    return undefined;
  }
  const plan = store.getPlan(waiting.id);
  if (!plan || !isPlaced(plan)) {
    store.markDecompositionFailed(waiting.id, "the plan has no workspace", 3600);
    return undefined;
  }
  await deps.ensureDir(plan.workspace);
  store.seedPlanMetadata(plan.id, planPhases(text), planDeliverables(text));
  const git = deps.git(plan.workspace, plan.id);
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
    log(deps, "info", `${plan.filename}: decomposed into ${tasks.length} tasks`);
    return undefined;
  }
  if (result.infrastructure) {
    // The server, not the plan, failed: no attempt used; the pause after the pass retries it.
    log(deps, "warn", `${plan.filename}: decomposition paused (${result.error})`);
    return result.error;
  }
  const backoff = decompositionBackoff(plan.decompose_attempts);
  store.markDecompositionFailed(plan.id, result.error, backoff);
  log(
    deps,
    "error",
    `${plan.filename}: decomposition failed (${result.error}); retrying in ${backoff}s`,
  );
  return undefined;
}

/** Coder and reviewer waves, then plan closure; the outage that stopped a wave, if any. */
async function runTasks(
  deps: RunPorts,
  opts: RunOptions,
  state: LoopState,
): Promise<string | undefined> {
  const { store, config } = deps;
  state.currentPlan = state.onlyPlan;
  await reattachWorktrees(deps);
  const filter = { planId: state.onlyPlan, phase: opts.planPhase ?? null };
  // Slots (issue 16): lanes only exist with more than one slot; else one task at a time.
  const queue = deps.lanes
    ? await processQueueParallel(deps, deps.lanes, state.scheduler, filter)
    : await processQueue(deps, state.scheduler, filter);
  state.processed += queue.processed;
  if (queue.processed > 0) state.idleAnnounced = false;
  // A plan reported completed has its history written: the queued commits land first.
  await settleCommits();
  store.closeFinishedPlans(
    config.orchestration.strict_adherence
      ? { allowedStatuses: config.orchestration.strict_closure_allowed_statuses }
      : undefined,
  );
  return queue.infraError;
}

/** A worktree whose folder went missing is re-attached before a task writes there. */
async function reattachWorktrees(deps: RunPorts) {
  for (const plan of deps.store.listPlans()) {
    if (plan.status !== "active" || !inWorktree(plan)) continue;
    const placed = await preparePlanWorkspace(deps.store, deps.configDir, plan);
    if (!placed.ok) {
      deps.store.cancelPlanTasks(plan.id, placed.problem);
      log(deps, "error", `${plan.filename}: ${placed.problem}; its open tasks were cancelled`);
    }
  }
}

/** Pauses after an outage (no task attempt used), or gives up (a single run, too many). */
async function pauseForServer(
  deps: RunPorts,
  opts: RunOptions,
  state: LoopState,
  outage: string,
): Promise<"paused" | "give-up"> {
  state.infraPauses++;
  state.infraError = outage;
  if (givesUp(opts.singleRun === true, state.infraPauses, opts.maxInfraPauses)) return "give-up";
  const pause = infraPauseMs(state.infraPauses, deps.config.orchestration.outage_pause_base_s);
  log(
    deps,
    "warn",
    `model server unavailable (${outage}); pausing ${pause / 1000}s, no task attempts used`,
  );
  deps.emit({
    type: "run.state",
    state: "paused",
    until: inMs(deps, pause),
    reason: "model server unavailable",
  });
  state.idleAnnounced = false;
  await idle(deps, () => deps.sleep(pause, idleSignal(deps)));
  return "paused";
}

/** A single run waits out the next rework cooldown. */
async function waitCooldown(deps: RunPorts, wait: number) {
  log(deps, "info", `waiting ${Math.ceil(wait / 1000)}s for a rework cooldown`);
  deps.emit({ type: "run.state", state: "cooldown", until: inMs(deps, wait) });
  await idle(deps, () => deps.sleep(wait + 5, idleSignal(deps)));
}

/** A watching run waits for a plan change, at most `until` ms. */
async function watch(
  deps: RunPorts,
  state: LoopState,
  watcher: PlanWatcher | null,
  until: number,
) {
  const plans = deps.config.paths.plans;
  if (!state.idleAnnounced) {
    log(deps, "info", `idle: watching ${plans} for plans`);
    deps.emit({ type: "run.state", state: "idle", reason: `watching ${plans}` });
    state.idleAnnounced = true;
  }
  if (watcher) await watcher.wait(until, idleSignal(deps));
  else await idle(deps, () => deps.sleep(until, idleSignal(deps)));
}

/** What the run did: its plans, loads per plan next to their lower bound, wall time. */
function runResult(
  deps: RunPorts,
  state: LoopState,
  interrupted: boolean,
  started: number,
): RunResult {
  const { store, config } = deps;
  const plans = state.onlyPlan ? [store.getPlan(state.onlyPlan)!] : store.listPlans();
  const keys = {
    planner: config.models.planner.key,
    coder: config.models.coder.key,
    reviewer: config.models.reviewer.key,
  };
  const loadsPerPlan: RunResult["loadsPerPlan"] = {};
  for (const plan of plans) {
    if (!state.loadsByPlan.has(plan.id)) continue;
    loadsPerPlan[plan.filename] = {
      loads: state.loadsByPlan.get(plan.id) ?? 0,
      lowerBound: loadLowerBound(dependencyDepth(store.listTasks(plan.id)), keys),
    };
  }
  return {
    plans,
    processed: state.processed,
    interrupted,
    ...(state.infraError ? { infraError: state.infraError } : {}),
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
  store.failBlocked();
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

/** Counts model loads per plan: the plan of the running phase, else the one being worked on. */
function trackLoads(deps: RunPorts, state: LoopState): () => void {
  let active: string | null = null;
  return deps.bus.subscribe((event) => {
    if (event.type === "phase.start" && event.planId) active = event.planId;
    if (event.type === "model.load") {
      const plan = active ?? state.currentPlan;
      if (plan) state.loadsByPlan.set(plan, (state.loadsByPlan.get(plan) ?? 0) + 1);
    }
  });
}

/** Notes the plans whose tasks or status changed (their reports are due). */
function trackTouched(deps: RunPorts, touched: Set<string>): () => void {
  return deps.bus.subscribe((e) => {
    if (e.type === "task.transition" || e.type === "plan.status") touched.add(e.planId);
  });
}
