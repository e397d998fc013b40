/**
 * Generic OpenAI-compatible backend (vLLM, Jan, LocalAI, ...): lists
 * `/v1/models`; no load control, so every listed model counts as loaded.
 * vLLM says so with `owned_by: "vllm"` and gives each model's context as
 * `max_model_len`.
 *
 * @module
 */
import { array, num, record, requestJson, type ServerEndpoint } from "../http.ts";
import type { ModelBackend, ModelInfo } from "../types.ts";

/** True when a `/v1/models` listing comes from vLLM. */
export function isVllmListing(body: unknown): boolean {
  return array(record(body).data).some((row) => {
    const m = record(row);
    return m.owned_by === "vllm" || num(m.max_model_len) !== undefined;
  });
}

/** Creates the generic backend. */
export function openaiBackend(endpoint: ServerEndpoint): ModelBackend {
  let variant: string | undefined;

  async function list(): Promise<ModelInfo[]> {
    const body = await requestJson(endpoint, "GET", "/v1/models");
    if (isVllmListing(body)) variant = "vLLM";
    return array(record(body).data).map((raw): ModelInfo => {
      const m = record(raw);
      const key = String(m.id ?? "");
      const ctx = num(m.max_model_len);
      return {
        key,
        type: /embed/i.test(key) ? "embedding" : "llm",
        ...(ctx !== undefined ? { maxContextLength: ctx } : {}),
        instances: [{ id: key, ...(ctx !== undefined ? { contextLength: ctx } : {}) }],
      };
    });
  }

  return {
    kind: "openai",
    canLoad: false,
    setsContext: false,
    get variant() {
      return variant;
    },
    async version() {
      await list();
      return undefined;
    },
    list,
    load: () => Promise.resolve(),
    unload: () => Promise.resolve(),
  };
}
