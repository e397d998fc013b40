/**
 * Loading one model on a server: the load itself with LM Studio's JIT
 * fallback when its guardrails refuse, and the wait until the server lists
 * the model as loaded.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import { InterruptedError } from "../errors.ts";
import { GuardrailRefusalError, LlmError, RequestTimeoutError } from "../llm/errors.ts";
import type { GateClock } from "./memory/gate.ts";
import { loadedOf, type ModelBackend } from "./types.ts";

/** The fix hint for a guardrail refusal. */
export const GUARDRAIL_HINT =
  "set LM Studio > Developer > Server Settings > Model Loading Guardrails to Off or Relaxed, or choose a smaller model or context_length";

/** The one-line error for a load the server refused, with the fix hint. */
export function guardrailError(key: string, cause: unknown): GuardrailRefusalError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  const error = new GuardrailRefusalError(
    `Cannot load "${key}": the server refused the load (${detail}); ${GUARDRAIL_HINT}`,
  );
  error.cause = cause;
  return error;
}

/** True when `err` is the server refusing a load (a guardrail, or LM Studio's bare 500). */
function isRefusal(backend: ModelBackend, err: unknown): boolean {
  return err instanceof GuardrailRefusalError ||
    (err instanceof LlmError && err.status === 500 && backend.kind === "lmstudio");
}

/** Loads `key` with `contextLength`; on a refusal, tries the backend's JIT load once. */
export async function loadWithFallback(
  backend: ModelBackend,
  key: string,
  contextLength: number,
): Promise<void> {
  try {
    await backend.load(key, contextLength);
  } catch (err) {
    if (!isRefusal(backend, err)) throw err;
    if (!backend.jitLoad) throw guardrailError(key, err);
    try {
      await backend.jitLoad(key);
    } catch (jitErr) {
      throw guardrailError(key, jitErr);
    }
  }
}

/** Polls the server until it lists `key` as loaded, up to the configured load timeout. */
export async function waitUntilLoaded(
  backend: ModelBackend,
  clock: GateClock,
  o: Config["orchestration"],
  key: string,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = clock.now() + o.model_load_timeout_s * 1000;
  for (;;) {
    if (signal?.aborted) throw new InterruptedError();
    const models = await backend.list();
    if (loadedOf(models).some((m) => m.key === key || m.id.includes(key))) return;
    if (clock.now() >= deadline) {
      throw new RequestTimeoutError(
        `Model "${key}" did not become ready within ${o.model_load_timeout_s} s`,
      );
    }
    await clock.sleep(o.model_load_poll_interval_s * 1000, signal);
  }
}
