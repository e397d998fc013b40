/**
 * llama.cpp `llama-server` router backend: `/models`, `/models/load`,
 * `/models/unload`, health via `/health`. The context length comes from the
 * model's launch arguments (`--ctx-size`/`-c`) when present.
 *
 * @module
 */
import { array, record, requestJson, type ServerEndpoint } from "../http.ts";
import type { ModelBackend, ModelInfo } from "../types.ts";

function contextFromArgs(args: unknown[]): number | undefined {
  const list = args.map(String);
  const at = list.findIndex((a) => a === "--ctx-size" || a === "-c");
  const value = at >= 0 ? Number(list[at + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Creates the llama.cpp router backend. */
export function llamacppBackend(endpoint: ServerEndpoint, loadTimeoutMs: number): ModelBackend {
  return {
    kind: "llamacpp",
    canLoad: true,
    async version() {
      await requestJson(endpoint, "GET", "/health");
      return undefined;
    },
    async list() {
      const rows = array(record(await requestJson(endpoint, "GET", "/models")).data);
      return rows.map((raw): ModelInfo => {
        const m = record(raw);
        const key = String(m.id ?? "");
        const status = record(m.status);
        const ctx = contextFromArgs(array(status.args));
        return {
          key,
          type: /embed/i.test(key) ? "embedding" : "llm",
          instances: status.value === "loaded"
            ? [{ id: key, ...(ctx !== undefined ? { contextLength: ctx } : {}) }]
            : [],
        };
      });
    },
    async load(key) {
      await requestJson(endpoint, "POST", "/models/load", {
        body: { model: key },
        timeoutMs: loadTimeoutMs,
        model: key,
      });
    },
    async unload(id) {
      await requestJson(endpoint, "POST", "/models/unload", {
        body: { model: id },
        timeoutMs: 30_000,
        model: id,
      });
    },
  };
}
