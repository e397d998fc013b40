/**
 * Ollama backend: `/api/tags` (downloaded), `/api/ps` (loaded, with context
 * length), load by an empty generate with `num_ctx`, unload with
 * `keep_alive: 0`.
 *
 * @module
 */
import { array, num, record, requestJson, type ServerEndpoint } from "../http.ts";
import type { ModelBackend, ModelInfo } from "../types.ts";

/** Creates the Ollama backend. */
export function ollamaBackend(endpoint: ServerEndpoint, loadTimeoutMs: number): ModelBackend {
  return {
    kind: "ollama",
    canLoad: true,
    // Chats through /v1 may reload a model with the server's own num_ctx: /api/ps says what is real.
    setsContext: false,
    async version() {
      const body = record(await requestJson(endpoint, "GET", "/api/version"));
      return typeof body.version === "string" ? body.version : undefined;
    },
    async list() {
      const tags = array(record(await requestJson(endpoint, "GET", "/api/tags")).models);
      const ps = array(record(await requestJson(endpoint, "GET", "/api/ps")).models).map(record);
      return tags.map((raw): ModelInfo => {
        const tag = record(raw);
        const key = String(tag.name ?? tag.model ?? "");
        const size = num(tag.size);
        const families = array(record(tag.details).families).map(String);
        const running = ps.filter((p) => p.name === key || p.model === key);
        return {
          key,
          type: families.some((f) => f.includes("bert")) || /embed/i.test(key)
            ? "embedding"
            : "llm",
          ...(size !== undefined ? { sizeBytes: size } : {}),
          instances: running.map((p) => {
            const ctx = num(p.context_length);
            return { id: key, ...(ctx !== undefined ? { contextLength: ctx } : {}) };
          }),
        };
      });
    },
    async contextOf(key) {
      try {
        const show = record(
          await requestJson(endpoint, "POST", "/api/show", { body: { model: key } }),
        );
        const info = record(show.model_info);
        const entry = Object.entries(info).find(([k]) => k.endsWith(".context_length"));
        return entry ? num(entry[1]) : undefined;
      } catch {
        return undefined;
      }
    },
    async load(key, contextLength) {
      await requestJson(endpoint, "POST", "/api/generate", {
        body: { model: key, options: { num_ctx: contextLength } },
        timeoutMs: loadTimeoutMs,
        model: key,
      });
    },
    async unload(id) {
      await requestJson(endpoint, "POST", "/api/generate", {
        body: { model: id, keep_alive: 0 },
        timeoutMs: 30_000,
        model: id,
      });
    },
  };
}
