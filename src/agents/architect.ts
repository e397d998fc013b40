/**
 * The architect: turns a plan into micro-tasks. Chunks the plan within the
 * planner's token budget, asks for structured output where the server allows
 * it, parses tolerantly, gives the model one repair turn with the exact
 * validation errors, keeps every valid task, resumes finished chunks by
 * content hash, merges duplicates, resolves dependencies to task ids and
 * breaks (and reports) cycles. A failed decomposition stays retryable.
 *
 * @module
 */
import { errorMessage, InterruptedError, UserError } from "../errors.ts";
import { LlmError } from "../llm/errors.ts";
import { estimateMessages } from "../llm/tokens.ts";
import type { ChatMessage, ChatResult } from "../llm/types.ts";
import type { PipelineDeps } from "../pipeline/deps.ts";
import { callModel, callStructured } from "../pipeline/model_call.ts";
import {
  type Chunk,
  type ChunkBudget,
  chunkCompletionBudget,
  chunkPlan,
} from "../pipeline/chunking.ts";
import type { PlanRow } from "../store/store.ts";
import {
  architectResponseFormat,
  type ArchitectTask,
  parseArchitectReply,
  repairPrompt,
} from "./parse/architect.ts";
import { mergeDuplicates, resolveDependencies } from "./parse/architect_deps.ts";
import systemPrompt from "./prompts/architect_system.md" with { type: "text" };
import compressPrompt from "./prompts/architect_compress.md" with { type: "text" };

/** Outcome of {@linkcode decomposePlan}. */
export type DecomposeResult =
  | { ok: true; taskIds: number[]; warnings: string[] }
  | { ok: false; error: string; infrastructure: boolean };

/** The architect's messages for one chunk. */
export function architectMessages(chunkText: string): ChatMessage[] {
  return [
    { role: "system", content: systemPrompt.trim() },
    { role: "user", content: `Decompose this project plan into micro-tasks:\n\n${chunkText}` },
  ];
}

/** The chunk budget from the planner's settings. */
export function planBudget(deps: PipelineDeps): ChunkBudget {
  const p = deps.config.models.planner;
  return {
    contextLength: p.context_length,
    maxContextUtilization: deps.config.orchestration.max_context_utilization,
    reservedTokens: deps.config.orchestration.preflight_reserved_tokens,
    maxCompletion: p.max_completion,
  };
}

/** Chunks a plan text with the planner's budget (used by `lao preflight` too). */
export function preflightPlan(deps: Pick<PipelineDeps, "config" | "count">, text: string) {
  const estimate = (chunk: string) => estimateMessages(deps.count, architectMessages(chunk));
  return chunkPlan(text, planBudget(deps as PipelineDeps), estimate);
}

/** Seconds before a failed decomposition is retried: 60 s, doubling, at most 1 h. */
export function decompositionBackoff(attempts: number): number {
  return Math.min(3600, 60 * 2 ** attempts);
}

/** Decomposes `plan` (text given) into stored tasks. Never throws except on interrupt. */
export async function decomposePlan(
  deps: PipelineDeps,
  plan: PlanRow,
  text: string,
): Promise<DecomposeResult> {
  const log = (level: "info" | "warn", message: string) =>
    deps.emit({ type: "log", level, message, source: "architect" });
  deps.emit({ type: "phase.start", phase: "architect", planId: plan.id });
  try {
    const { chunks, preflight } = preflightPlan(deps, text);
    deps.store.updatePlan(plan.id, { preflight_json: JSON.stringify(preflight) });
    if (!preflight.fit) log("info", `${plan.filename}: plan split into ${chunks.length} chunks`);
    const all: ArchitectTask[] = [];
    const warnings: string[] = [];
    for (const chunk of chunks) {
      const stored = deps.store.upsertChunk(plan.id, chunk.index, chunk.hash, chunk.text);
      if (stored.status === "completed" && stored.tasks_json) {
        all.push(...(JSON.parse(stored.tasks_json) as ArchitectTask[]));
        continue;
      }
      const result = await decomposeChunk(deps, plan, chunk);
      if (!result.ok) {
        deps.store.finishChunk(plan.id, chunk.hash, { error: result.error });
        throw new ChunkError(`chunk ${chunk.index + 1}/${chunks.length}: ${result.error}`);
      }
      warnings.push(...result.warnings.map((w) => `chunk ${chunk.index + 1}: ${w}`));
      deps.store.finishChunk(plan.id, chunk.hash, { tasksJson: JSON.stringify(result.tasks) });
      all.push(...result.tasks);
    }
    if (all.length === 0) throw new ChunkError("the architect produced no tasks");
    const { tasks } = mergeDuplicates(all);
    if (tasks.length < all.length) {
      warnings.push(`merged ${all.length - tasks.length} duplicate tasks`);
    }
    const resolved = resolveDependencies(tasks);
    warnings.push(...resolved.warnings);
    const deps2 = breakCycles(resolved.deps, resolved.cycles, tasks, warnings);
    const ids = deps.store.insertTasks(
      plan.id,
      tasks.map((t, i) => ({
        title: t.title,
        description: t.description,
        file_paths: t.file_paths,
        phase: t.phase,
        deliverable_ids: t.deliverable_ids,
        dependsOn: deps2[i] ?? [],
      })),
      deps.config.orchestration.max_task_attempts,
    );
    for (const w of warnings) log("warn", `${plan.filename}: ${w}`);
    deps.emit({ type: "phase.end", phase: "architect", planId: plan.id, ok: true });
    return { ok: true, taskIds: ids, warnings };
  } catch (err) {
    if (err instanceof InterruptedError || err instanceof UserError) throw err;
    const infrastructure = err instanceof LlmError && err.infrastructure;
    const error = errorMessage(err);
    deps.emit({ type: "phase.end", phase: "architect", planId: plan.id, ok: false });
    return { ok: false, error, infrastructure };
  }
}

class ChunkError extends Error {}

/** Drops, inside each cycle, dependencies that point to a later task, so nothing waits forever. */
function breakCycles(
  deps: number[][],
  cycles: string[][],
  tasks: ArchitectTask[],
  warnings: string[],
): number[][] {
  if (cycles.length === 0) return deps;
  const out = deps.map((d) => [...d]);
  for (const cycle of cycles) {
    const members = new Set(cycle.map((title) => tasks.findIndex((t) => t.title === title)));
    for (const i of members) {
      out[i] = (out[i] ?? []).filter((d) => !(members.has(d) && d > i));
    }
    warnings.push(`dependency cycle ${cycle.join(" → ")}: broken by keeping the plan's order`);
  }
  return out;
}

function askPlanner(
  deps: PipelineDeps,
  plan: PlanRow,
  messages: ChatMessage[],
  maxTokens: number,
): Promise<ChatResult> {
  return callStructured(
    deps,
    "planner",
    { messages, max_tokens: maxTokens, temperature: 0.3 },
    architectResponseFormat,
    { planId: plan.id },
  );
}

type ChunkResult = { ok: true; tasks: ArchitectTask[]; warnings: string[] } | {
  ok: false;
  error: string;
};

async function decomposeChunk(
  deps: PipelineDeps,
  plan: PlanRow,
  chunk: Chunk,
): Promise<ChunkResult> {
  const budget = planBudget(deps);
  let text = chunk.text;
  if (chunk.oversized) {
    const summary = await callModel(deps, "planner", {
      messages: [
        { role: "system", content: compressPrompt.trim() },
        { role: "user", content: chunk.text },
      ],
      max_tokens: 1024,
      temperature: 0.2,
    }, { planId: plan.id });
    text = summary.content.trim() || chunk.text.slice(0, 4000);
  }
  const messages = architectMessages(text);
  const prompt = Math.ceil(
    estimateMessages(deps.count, messages) *
      deps.calibration.factor(deps.config.models.planner.key),
  );
  const maxTokens = chunkCompletionBudget(prompt, budget);
  if (maxTokens < 256) {
    return {
      ok: false,
      error: `plan section too large for the planner context (${prompt} tokens)`,
    };
  }
  const first = await askPlanner(deps, plan, messages, maxTokens);
  let parsed = parseArchitectReply(first.content || first.reasoning);
  const warnings: string[] = [];
  if (parsed.errors.length > 0) {
    const errors = first.finishReason === "length"
      ? [
        ...parsed.errors,
        `the reply hit the output limit of ${maxTokens} tokens: keep descriptions shorter`,
      ]
      : parsed.errors;
    const repair = await askPlanner(deps, plan, [
      ...messages,
      { role: "assistant", content: first.content || first.reasoning },
      { role: "user", content: repairPrompt(errors) },
    ], maxTokens);
    const second = parseArchitectReply(repair.content || repair.reasoning);
    if (second.tasks.length >= parsed.tasks.length && second.tasks.length > 0) {
      if (second.errors.length) {
        warnings.push(...second.errors.map((e) => `kept valid tasks; ${e}`));
      }
      parsed = second;
    } else {
      warnings.push(...parsed.errors.map((e) => `kept valid tasks; ${e}`));
    }
  }
  if (parsed.tasks.length === 0) {
    const reason = parsed.errors[0] ?? "no tasks in the reply";
    return { ok: false, error: `could not read the architect's reply: ${reason}` };
  }
  return { ok: true, tasks: parsed.tasks, warnings };
}
