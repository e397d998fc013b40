/**
 * Generic OpenAI-compatible backend (vLLM, Jan, LocalAI, ...): lists
 * `/v1/models`; no load control, so every listed model counts as loaded.
 *
 * @module
 */
import { array, record, requestJson, type ServerEndpoint } from "../http.ts";
import type { ModelBackend } from "../types.ts";

/** Creates the generic backend. */
export function openaiBackend(endpoint: ServerEndpoint): ModelBackend {
  return {
    kind: "openai",
    canLoad: false,
    async version() {
      await requestJson(endpoint, "GET", "/v1/models");
      return undefined;
    },
    async list() {
      const rows = array(record(await requestJson(endpoint, "GET", "/v1/models")).data);
      return rows.map((raw) => {
        const key = String(record(raw).id ?? "");
        return {
          key,
          type: /embed/i.test(key) ? "embedding" as const : "llm" as const,
          instances: [{ id: key }],
        };
      });
    },
    load: () => Promise.resolve(),
    unload: () => Promise.resolve(),
  };
}
