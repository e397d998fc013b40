/**
 * What the coder and review phases share: claiming the task's plan, the
 * `phase.start` / `phase.end` events, and applying a failure. A phase that
 * threw before its outcome was applied hands the task back or uses an
 * attempt (decided by `outcome_policy.ts`); once the outcome is applied, a
 * later failure (a commit) is a warning, not a second outcome.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import { errorMessage, ExitCode, UserError } from "../errors.ts";
import type { Emit } from "../events/bus.ts";
import { LlmError } from "../llm/errors.ts";
import { isPlaced, type PlacedPlan, type PlanRow, type Store, type Task } from "../store/store.ts";
import { decideFailure, failureKind, type PhaseName } from "./outcome_policy.ts";

/** How a phase ended for the scheduler. */
export type PhaseResult =
  | { kind: "done" }
  | { kind: "infra"; error: string }
  | { kind: "skipped" };

/** What every task phase uses. */
export interface TaskPhasePorts {
  config: Config;
  store: Pick<Store, "getPlan" | "transition">;
  emit: Emit;
  now: () => Date;
  /** The server and slot the phase runs on (the scheduler with slots; issue 16). */
  /** `slot` is absent for a task the server runs beyond its slots (`pipeline/request_gate.ts`). */
  placement?: { server: string; slot?: number };
}

export type { PlacedPlan };

/** The plan of `task`, with its workspace (a plan with tasks always has one). */
export function planOf(ports: TaskPhasePorts, task: Task): PlacedPlan {
  const plan = ports.store.getPlan(task.plan_id);
  if (!plan || !isPlaced(plan)) {
    throw new Error(`task #${task.id}: plan ${task.plan_id} has no workspace`);
  }
  return plan;
}

/** Emits `phase.start` for a claimed task. */
export function emitStart(ports: TaskPhasePorts, phase: PhaseName, plan: PlanRow, task: Task) {
  ports.emit({
    type: "phase.start",
    phase,
    planId: plan.id,
    taskId: task.id,
    title: task.title,
    attempt: task.attempt + 1,
    maxAttempts: task.max_attempts,
    ...(ports.placement ? { server: ports.placement.server } : {}),
    ...(ports.placement?.slot !== undefined ? { slot: ports.placement.slot } : {}),
  });
}

/** Emits `phase.end`. */
export function emitEnd(
  ports: TaskPhasePorts,
  phase: PhaseName,
  plan: PlanRow,
  task: Task,
  ok: boolean,
) {
  ports.emit({ type: "phase.end", phase, planId: plan.id, taskId: task.id, ok });
}

/**
 * A phase threw before its outcome was applied: interrupts and setup problems
 * hand the task back and rethrow; infrastructure failures hand it back and
 * pause; anything else uses an attempt (or fails the task at its cap).
 */
export function phaseFailed(
  ports: TaskPhasePorts,
  task: Task,
  phase: PhaseName,
  err: unknown,
): PhaseResult {
  const d = decideFailure(task, phase, err, ports.config.orchestration, ports.now());
  ports.store.transition(task.id, d.transition, d.patch, d.reason);
  if (d.kind === "stop") {
    // Setup problems reach the CLI as one line (a refused API key is an LlmError).
    throw err instanceof LlmError
      ? new UserError(err.message, ExitCode.Failure, { cause: err })
      : err;
  }
  if (d.kind === "infra") return { kind: "infra", error: errorMessage(err) };
  return { kind: "done" };
}

/**
 * Something after the applied outcome threw (a commit): the task keeps its
 * outcome. Interrupts and setup problems still stop the run.
 */
export function afterOutcome(
  ports: TaskPhasePorts,
  task: Task,
  step: string,
  err: unknown,
): PhaseResult {
  if (failureKind(err) === "stop") throw err;
  ports.emit({
    type: "log",
    level: "warn",
    message: `task #${task.id}: ${step} failed: ${errorMessage(err)}`,
    source: "pipeline",
  });
  return { kind: "done" };
}
