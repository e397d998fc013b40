/**
 * One model call as the phases make it: make the role's model resident,
 * call it, record tokens and time (success or failure) in the store and on the
 * event bus, and learn the token calibration from the server's usage.
 * {@linkcode createModelPort} wraps this into the agents' `ModelPort`, which
 * also remembers (for the run) whether the server accepts structured output.
 *
 * @module
 */
import type { CallMeta, ModelPort, ModelRequest } from "../agents/model_port.ts";
import type { Config, RoleName } from "../config/schema.ts";
import { errorMessage } from "../errors.ts";
import type { Emit } from "../events/bus.ts";
import type { LaoEvent } from "../events/types.ts";
import { LlmError } from "../llm/errors.ts";
import { estimateMessages, type TokenCalibration, type TokenCounter } from "../llm/tokens.ts";
import type { ChatResult, LlmClient } from "../llm/types.ts";
import type { ModelManager } from "../models/types.ts";
import type { Store } from "../store/store.ts";

export type { CallMeta };

/** How often a long streamed answer reports its progress. */
export const PROGRESS_EVERY_MS = 10_000;

/** What a model call needs: clients, the manager, accounting and the clock. */
export interface ModelCallPorts {
  config: Config;
  store: Pick<Store, "recordLlmCall">;
  /** The client for a role. */
  llm: (role: RoleName) => LlmClient;
  models: Pick<ModelManager, "ensureLoaded">;
  emit: Emit;
  count: TokenCounter;
  calibration: TokenCalibration;
  signal: AbortSignal;
  now: () => Date;
}

/** Makes `role` resident and runs `req` (its `model` is filled in). */
export async function callModel(
  ports: ModelCallPorts,
  role: RoleName,
  req: ModelRequest,
  meta: CallMeta = {},
): Promise<ChatResult> {
  const model = await ports.models.ensureLoaded(role, ports.signal);
  const started = ports.now().getTime();
  const estimate = estimateMessages(ports.count, req.messages, req.tools ?? []);
  const maxTokens = clipMaxTokens(ports, role, estimate, req.max_tokens);
  try {
    // Streamed: local models are slow, and a stream shows a stalled server early.
    const sent = {
      stream: true,
      ...req,
      role,
      model,
      ...(maxTokens ? { max_tokens: maxTokens } : {}),
    };
    const result = await ports.llm(role).chat(sent, {
      signal: ports.signal,
      ...(meta.onText ? { onText: meta.onText } : {}),
      onProgress: progressReporter(ports, role, model, started),
    });
    if (result.usage.promptTokens > 0) {
      ports.calibration.observe(ports.config.models[role].key, estimate, result.usage.promptTokens);
    }
    const promptTokens = result.usage.promptTokens || estimate;
    const { prefillTokens } = result.usage;
    record(ports, role, model, meta, {
      promptTokens,
      completionTokens: result.usage.completionTokens,
      ...(prefillTokens === undefined ? {} : { prefillTokens }),
      seconds: result.seconds,
      ok: true,
    });
    return result;
  } catch (err) {
    const seconds = (ports.now().getTime() - started) / 1000;
    record(ports, role, model, meta, {
      promptTokens: 0,
      completionTokens: 0,
      seconds,
      ok: false,
      error: errorMessage(err),
    });
    throw err;
  }
}

/** Slow local models: says how far a long answer has come, every {@linkcode PROGRESS_EVERY_MS}. */
function progressReporter(
  ports: ModelCallPorts,
  role: RoleName,
  model: string,
  started: number,
): (p: { chars: number }) => void {
  let lastReport = started;
  return ({ chars }) => {
    const now = ports.now().getTime();
    if (now - lastReport < PROGRESS_EVERY_MS) return;
    lastReport = now;
    ports.emit({
      type: "llm.progress",
      role,
      model,
      tokens: Math.round(chars / 4),
      seconds: (now - started) / 1000,
    });
  };
}

/**
 * `max_tokens` clipped to what the role's context (min(config, server), see
 * `models/server_context.ts`) leaves after the calibrated prompt estimate:
 * a server never gets asked for more than n_ctx − prompt.
 */
export function clipMaxTokens(
  ports: Pick<ModelCallPorts, "config" | "calibration">,
  role: RoleName,
  promptEstimate: number,
  maxTokens: number | undefined,
): number | undefined {
  if (maxTokens === undefined) return undefined;
  const settings = ports.config.models[role];
  const prompt = Math.ceil(promptEstimate * ports.calibration.factor(settings.key));
  return Math.max(1, Math.min(maxTokens, settings.context_length - prompt));
}

/**
 * The agents' model port over {@linkcode callModel}. It asks for structured
 * output (`response_format`) while the server accepts it; the first time a
 * server rejects it as a bad request, the port remembers that and asks in
 * plain text from then on (the tolerant parsers read either). One port per
 * run, so what it learned holds for every phase of the run.
 */
export function createModelPort(ports: ModelCallPorts): ModelPort {
  let structuredOutput = true;
  return {
    call: (role, req, meta) => callModel(ports, role, req, meta),
    async callStructured(role, req, format, meta) {
      if (structuredOutput) {
        try {
          return await callModel(ports, role, { ...req, response_format: format }, meta);
        } catch (err) {
          if (!(err instanceof LlmError) || err.kind !== "bad_request") throw err;
          structuredOutput = false;
        }
      }
      return await callModel(ports, role, req, meta);
    },
    embed: (texts) =>
      ports.llm("embedder").embed(ports.config.models.embedder.key, texts, ports.signal),
    count: ports.count,
    factor: (role) => ports.calibration.factor(ports.config.models[role].key),
  };
}

/** The accounting of one call: its `llm.call` event without the role and model. */
type CallRecord = Omit<Extract<LaoEvent, { type: "llm.call" }>, "type" | "role" | "model">;

function record(
  ports: ModelCallPorts,
  role: RoleName,
  model: string,
  meta: CallMeta,
  r: CallRecord,
) {
  const call = {
    role,
    model,
    promptTokens: r.promptTokens,
    completionTokens: r.completionTokens,
    ...(r.prefillTokens === undefined ? {} : { prefillTokens: r.prefillTokens }),
    seconds: r.seconds,
    ok: r.ok,
    ...(r.error ? { error: r.error } : {}),
  };
  ports.store.recordLlmCall({ ...call, taskId: meta.taskId ?? null, planId: meta.planId ?? null });
  ports.emit({ type: "llm.call", ...call });
}
