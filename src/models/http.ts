/**
 * A small JSON-over-HTTP helper for model-management endpoints, with a
 * timeout, bearer auth, and failures classified like chat failures.
 *
 * @module
 */
import { classifyError, classifyFailure } from "../llm/classify.ts";
import { RequestTimeoutError } from "../llm/errors.ts";

/** Connection settings of a server. */
export interface ServerEndpoint {
  /** Server root without `/v1`. */
  root: string;
  /** Bearer token. */
  apiKey: string;
  /** Fetch implementation (tests may inject). */
  fetch?: typeof fetch;
}

/** Sends a request and parses the JSON reply; throws a typed `LlmError`. */
export async function requestJson(
  endpoint: ServerEndpoint,
  method: "GET" | "POST",
  path: string,
  options: { body?: unknown; timeoutMs?: number; model?: string } = {},
): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const url = `${endpoint.root.replace(/\/+$/, "")}${path}`;
  try {
    const response = await (endpoint.fetch ?? fetch)(url, {
      method,
      headers: {
        authorization: `Bearer ${endpoint.apiKey}`,
        ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: controller.signal,
    });
    const text = await response.text();
    if (!response.ok) {
      throw classifyFailure({ status: response.status, text, model: options.model });
    }
    return text ? JSON.parse(text) : {};
  } catch (err) {
    if (controller.signal.aborted) {
      throw new RequestTimeoutError(`${method} ${url} timed out after ${timeoutMs / 1000} s`);
    }
    throw classifyError(err);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads `value` as a record (or an empty one). */
export function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

/** Reads `value` as an array (or an empty one). */
export function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Reads a finite number or `undefined`. */
export function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
