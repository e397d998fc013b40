/**
 * One model request under a deadline: the caller's signal and a timer abort
 * it together, and whatever it throws comes out classified — a timeout as
 * `RequestTimeoutError`, the caller's abort as `InterruptedError`, anything
 * else through {@linkcode classifyError}.
 *
 * @module
 */
import { InterruptedError } from "../errors.ts";
import { classifyError } from "./classify.ts";
import { RequestTimeoutError } from "./errors.ts";

/** Runs `run` with a signal that aborts after `timeoutMs` or when `signal` aborts. */
export async function withDeadline<T>(
  timeoutMs: number,
  signal: AbortSignal | undefined,
  model: string,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (signal?.aborted) throw new InterruptedError();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    return await run(controller.signal);
  } catch (err) {
    if (timedOut) {
      throw new RequestTimeoutError(
        `Request to model "${model}" timed out after ${Math.round(timeoutMs / 1000)} s`,
      );
    }
    if (signal?.aborted) throw new InterruptedError();
    throw classifyError(err);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}
