/**
 * One model call as the pipeline makes it: make the role's model resident,
 * call it, record tokens and time (success or failure) in the store and on the
 * event bus, and learn the token calibration from the server's usage.
 *
 * @module
 */
import type { RoleName } from "../config/schema.ts";
import { errorMessage } from "../errors.ts";
import { estimateMessages } from "../llm/tokens.ts";
import { LlmError } from "../llm/errors.ts";
import type { ChatRequest, ChatResult, ResponseFormat } from "../llm/types.ts";
import type { PipelineDeps } from "./deps.ts";

/** How often a long streamed answer reports its progress. */
export const PROGRESS_EVERY_MS = 10_000;

/** What a call is for (accounting). */
export interface CallMeta {
  taskId?: number;
  planId?: string;
  /** Each new piece of answer text as it streams in (the Pilot prints it). */
  onText?: (delta: string) => void;
}

/** Makes `role` resident and runs `req` (its `model` is filled in). */
export async function callModel(
  deps: PipelineDeps,
  role: RoleName,
  req: Omit<ChatRequest, "role" | "model">,
  meta: CallMeta = {},
): Promise<ChatResult> {
  const model = await deps.models.ensureLoaded(role, deps.signal);
  const started = deps.now().getTime();
  const estimate = estimateMessages(deps.count, req.messages, req.tools ?? []);
  const maxTokens = clipMaxTokens(deps, role, estimate, req.max_tokens);
  try {
    // Streamed: local models are slow, and a stream shows a stalled server early.
    let lastReport = started;
    const sent = {
      stream: true,
      ...req,
      role,
      model,
      ...(maxTokens ? { max_tokens: maxTokens } : {}),
    };
    const result = await deps.llm(role).chat(sent, {
      signal: deps.signal,
      ...(meta.onText ? { onText: meta.onText } : {}),
      // Slow local models: say how far a long answer has come, every few seconds.
      onProgress: ({ chars }) => {
        const now = deps.now().getTime();
        if (now - lastReport < PROGRESS_EVERY_MS) return;
        lastReport = now;
        deps.emit({
          type: "llm.progress",
          role,
          model,
          tokens: Math.round(chars / 4),
          seconds: (now - started) / 1000,
        });
      },
    });
    if (result.usage.promptTokens > 0) {
      deps.calibration.observe(deps.config.models[role].key, estimate, result.usage.promptTokens);
    }
    const promptTokens = result.usage.promptTokens || estimate;
    record(
      deps,
      role,
      model,
      meta,
      promptTokens,
      result.usage.completionTokens,
      result.seconds,
      true,
    );
    return result;
  } catch (err) {
    const seconds = (deps.now().getTime() - started) / 1000;
    record(deps, role, model, meta, 0, 0, seconds, false, errorMessage(err));
    throw err;
  }
}

/**
 * `max_tokens` clipped to what the role's context (min(config, server), see
 * `models/server_context.ts`) leaves after the calibrated prompt estimate:
 * a server never gets asked for more than n_ctx − prompt.
 */
export function clipMaxTokens(
  deps: Pick<PipelineDeps, "config" | "calibration">,
  role: RoleName,
  promptEstimate: number,
  maxTokens: number | undefined,
): number | undefined {
  if (maxTokens === undefined) return undefined;
  const settings = deps.config.models[role];
  const prompt = Math.ceil(promptEstimate * deps.calibration.factor(settings.key));
  return Math.max(1, Math.min(maxTokens, settings.context_length - prompt));
}

/**
 * Asks for structured output (`response_format`) while the server accepts it;
 * the first time a server rejects it as a bad request, LAO remembers that and
 * asks in plain text from then on (the tolerant parsers read either).
 */
export async function callStructured(
  deps: PipelineDeps,
  role: RoleName,
  req: Omit<ChatRequest, "role" | "model" | "response_format">,
  format: ResponseFormat,
  meta: CallMeta = {},
): Promise<ChatResult> {
  if (deps.features.structuredOutput) {
    try {
      return await callModel(deps, role, { ...req, response_format: format }, meta);
    } catch (err) {
      if (!(err instanceof LlmError) || err.kind !== "bad_request") throw err;
      deps.features.structuredOutput = false;
    }
  }
  return await callModel(deps, role, req, meta);
}

function record(
  deps: PipelineDeps,
  role: RoleName,
  model: string,
  meta: CallMeta,
  promptTokens: number,
  completionTokens: number,
  seconds: number,
  ok: boolean,
  error?: string,
) {
  const call = {
    role,
    model,
    promptTokens,
    completionTokens,
    seconds,
    ok,
    ...(error ? { error } : {}),
  };
  deps.store.recordLlmCall({ ...call, taskId: meta.taskId ?? null, planId: meta.planId ?? null });
  deps.emit({ type: "llm.call", ...call });
}
