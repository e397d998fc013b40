/**
 * Retrying: exponential backoff with jitter, interruptible by an
 * `AbortSignal`, only for retryable failures, and never sleeping after the
 * last attempt.
 *
 * @module
 */
import { InterruptedError } from "../errors.ts";
import { classifyError } from "./classify.ts";
import { EmptyAnswerError, InvalidRequestError, LlmError } from "./errors.ts";
import type { CallOptions, ChatRequest, ChatResult, LlmClient } from "./types.ts";

/** Sleeps `ms`, rejecting with `InterruptedError` when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new InterruptedError());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new InterruptedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Retry policy. */
export interface RetryOptions {
  /** Total attempts (1 = no retry). */
  attempts: number;
  /** Base delay in ms; attempt i (0-based) waits about base × 2^i. */
  baseDelayMs: number;
  /** Upper bound of one delay in ms (default 60 000). */
  maxDelayMs?: number;
  /** Aborts both the attempts and the sleeps. */
  signal?: AbortSignal;
  /** Injectable sleep (tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable randomness in [0, 1) (tests). */
  random?: () => number;
  /** Clock in milliseconds (tests). */
  now?: () => number;
  /** Called before each sleep with the failed attempt number (1-based), the error and the delay. */
  onRetry?: (attempt: number, error: LlmError, delayMs: number) => void;
}

/** Delay before retry number `i` (0-based): base × 2^i, scaled by a jitter in [0.5, 1). */
export function backoffDelay(i: number, baseMs: number, maxMs: number, random: number): number {
  return Math.min(maxMs, baseMs * 2 ** i) * (0.5 + random / 2);
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or the
 * attempts run out. Errors are classified; the last one is rethrown.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const total = Math.max(1, options.attempts);
  for (let n = 1;; n++) {
    if (options.signal?.aborted) throw new InterruptedError();
    try {
      return await attempt(n);
    } catch (err) {
      const error = classifyError(err);
      if (!(error instanceof LlmError) || !error.retryable || n >= total) throw error;
      const delay = backoffDelay(
        n - 1,
        options.baseDelayMs,
        options.maxDelayMs ?? 60_000,
        random(),
      );
      options.onRetry?.(n, error, delay);
      await sleep(delay, options.signal);
    }
  }
}

/** A plain 5xx that comes back identically within this many ms is suspected to be the request's fault. */
export const DETERMINISTIC_FAILURE_MS = 1500;

/** True when the server answers a minimal chat (so it is up, and the failing body is to blame). */
async function serverAnswersProbe(
  inner: LlmClient,
  req: ChatRequest,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  try {
    await inner.chat({
      role: req.role,
      model: req.model,
      messages: [{ role: "user", content: "Reply with OK." }],
      max_tokens: 8,
    }, { signal });
    return true;
  } catch (err) {
    return err instanceof EmptyAnswerError;
  }
}

/**
 * Wraps a client so chat and embed calls retry per `options` (the call's
 * signal wins). A chat whose plain 5xx comes back twice, identical and within
 * milliseconds, is checked with a minimal probe request: if the server
 * answers that and the request then fails the same way once more, its
 * content is at fault ({@linkcode InvalidRequestError}: not an outage, not
 * retried as-is).
 */
export function retryingClient(inner: LlmClient, options: RetryOptions): LlmClient {
  const now = options.now ?? (() => performance.now());
  return {
    chat(req: ChatRequest, opts?: CallOptions): Promise<ChatResult> {
      const signal = opts?.signal ?? options.signal;
      let previous = "";
      let fastRepeats = 0;
      let probed = false;
      return withRetry(async () => {
        const started = now();
        try {
          return await inner.chat(req, { ...opts, signal });
        } catch (err) {
          const error = classifyError(err);
          if (!(error instanceof LlmError) || error.kind !== "server_error") throw error;
          const fast = now() - started < DETERMINISTIC_FAILURE_MS;
          fastRepeats = !fast ? 0 : error.message === previous ? fastRepeats + 1 : 1;
          previous = error.message;
          if (fastRepeats >= 2) {
            // Failed again after the server answered a probe: the request is to blame.
            if (probed) {
              throw new InvalidRequestError(
                `The server rejects this request every time within milliseconds while it answers a minimal one (${error.message})`,
                error.status,
              );
            }
            probed = await serverAnswersProbe(inner, req, signal);
          }
          throw error;
        }
      }, { ...options, signal });
    },
    embed(model: string, texts: string[], signal?: AbortSignal): Promise<number[][]> {
      const s = signal ?? options.signal;
      return withRetry(() => inner.embed(model, texts, s), { ...options, signal: s });
    },
  };
}
