/**
 * The decompose phase: turns a plan into stored micro-tasks. Chunks the plan
 * within the planner's token budget (the preflight is stored on the plan),
 * resumes finished chunks by content hash, has the architect decompose each
 * other chunk (`agents/architect_chunk.ts`), stores each chunk's outcome,
 * then assembles and inserts the plan's tasks. A failed decomposition stays
 * retryable: the caller marks it and backs off with
 * {@linkcode decompositionBackoff}; model-server outages use no attempt.
 *
 * @module
 */
import {
  type ArchitectContext,
  architectMessages,
  assembleTasks,
  decomposeChunk,
  planBudget,
  withContext,
} from "../agents/architect.ts";
import { chunkPlanAsync } from "../agents/chunking.ts";
import type { ModelPort } from "../agents/model_port.ts";
import type { ArchitectTask } from "../agents/parse/architect.ts";
import type { Config } from "../config/schema.ts";
import { errorMessage, ExitCode, InterruptedError, UserError } from "../errors.ts";
import type { Emit } from "../events/bus.ts";
import { LlmError } from "../llm/errors.ts";
import { estimateMessages } from "../llm/tokens.ts";
import type { PlanRow, Store } from "../store/store.ts";

export type { ArchitectContext };

/** What the decompose phase uses. */
export interface DecomposePorts {
  config: Config;
  store: Pick<Store, "updatePlan" | "upsertChunk" | "finishChunk" | "insertTasks">;
  model: ModelPort;
  emit: Emit;
  /** Aborted on the second Ctrl+C (stops chunking a huge plan at once). */
  signal: AbortSignal;
}

/** Outcome of {@linkcode decomposePlan}. */
export type DecomposeResult =
  | { ok: true; taskIds: number[]; warnings: string[] }
  | { ok: false; error: string; infrastructure: boolean };

/** Seconds before a failed decomposition is retried: 60 s, doubling, at most 1 h. */
export function decompositionBackoff(attempts: number): number {
  return Math.min(3600, 60 * 2 ** attempts);
}

/** A chunk the architect could not decompose (the phase's failure, with its reason). */
class ChunkFailed extends Error {}

/** Decomposes `plan` (text given) into stored tasks. Never throws except on interrupt. */
export async function decomposePlan(
  ports: DecomposePorts,
  plan: PlanRow,
  text: string,
  extra: ArchitectContext = {},
): Promise<DecomposeResult> {
  const end = (ok: boolean) =>
    ports.emit({ type: "phase.end", phase: "architect", planId: plan.id, ok });
  ports.emit({ type: "phase.start", phase: "architect", planId: plan.id });
  try {
    const all = await decomposeChunks(ports, plan, text, extra);
    if (all.tasks.length === 0) throw new ChunkFailed("the architect produced no tasks");
    const assembled = assembleTasks(all.tasks, extra);
    const warnings = [...all.warnings, ...assembled.warnings];
    const ids = ports.store.insertTasks(
      plan.id,
      assembled.tasks,
      ports.config.orchestration.max_task_attempts,
    );
    for (const w of warnings) log(ports, "warn", `${plan.filename}: ${w}`);
    end(true);
    return { ok: true, taskIds: ids, warnings };
  } catch (err) {
    if (err instanceof InterruptedError || err instanceof UserError) throw err;
    end(false);
    // A refused API key is the setup's problem: waiting for the server cannot fix it.
    if (err instanceof LlmError && err.kind === "auth_failed") {
      throw new UserError(err.message, ExitCode.Failure, { cause: err });
    }
    const infrastructure = err instanceof LlmError && err.infrastructure;
    return { ok: false, error: errorMessage(err), infrastructure };
  }
}

function log(ports: DecomposePorts, level: "info" | "warn", message: string) {
  ports.emit({ type: "log", level, message, source: "architect" });
}

/** Every chunk's tasks, finished chunks taken from the store; throws on a failed chunk. */
async function decomposeChunks(
  ports: DecomposePorts,
  plan: PlanRow,
  text: string,
  extra: ArchitectContext,
): Promise<{ tasks: ArchitectTask[]; warnings: string[] }> {
  const { store, model } = ports;
  const budget = planBudget(ports.config);
  // With context, every chunk's estimate includes it, so chunks fit the budget with it.
  // Chunking yields to the event loop, so Ctrl+C and SIGTERM stop even a huge plan at once.
  const ctx = extra.context;
  const planned = await chunkPlanAsync(
    text,
    budget,
    (chunk) =>
      estimateMessages(model.count, architectMessages(ctx ? withContext(ctx, chunk) : chunk)),
    { signal: ports.signal },
  );
  const { preflight } = planned;
  const chunks = ctx
    ? planned.chunks.map((c) => ({ ...c, text: withContext(ctx, c.text) }))
    : planned.chunks;
  store.updatePlan(plan.id, { preflight_json: JSON.stringify(preflight) });
  if (!preflight.fit) {
    log(ports, "info", `${plan.filename}: plan split into ${chunks.length} chunks`);
  }
  const tasks: ArchitectTask[] = [];
  const warnings: string[] = [];
  for (const chunk of chunks) {
    const stored = store.upsertChunk(plan.id, chunk.index, chunk.hash, chunk.text);
    if (stored.status === "completed" && stored.tasks_json) {
      tasks.push(...(JSON.parse(stored.tasks_json) as ArchitectTask[]));
      continue;
    }
    const result = await decomposeChunk({ model, planId: plan.id, budget }, chunk);
    if (!result.ok) {
      store.finishChunk(plan.id, chunk.hash, { error: result.error });
      throw new ChunkFailed(`chunk ${chunk.index + 1}/${chunks.length}: ${result.error}`);
    }
    warnings.push(...result.warnings.map((w) => `chunk ${chunk.index + 1}: ${w}`));
    store.finishChunk(plan.id, chunk.hash, { tasksJson: JSON.stringify(result.tasks) });
    tasks.push(...result.tasks);
  }
  return { tasks, warnings };
}
