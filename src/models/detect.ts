/**
 * Chooses the backend: `config.server.kind`, or for `auto` probes the server
 * and recognises it by its own markers: llama.cpp (`owned_by: "llamacpp"`,
 * `meta.n_ctx`, router `status`, `/props` `n_ctx`), vLLM (`owned_by: "vllm"`,
 * `max_model_len`), LM Studio (REST v1/v0), Ollama (`/api/tags`), else a
 * generic OpenAI-compatible server.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import { LlmError, ServerUnreachableError } from "../llm/errors.ts";
import { isRouterListing, llamacppBackend } from "./backends/llamacpp.ts";
import { lmstudioBackend } from "./backends/lmstudio.ts";
import { ollamaBackend } from "./backends/ollama.ts";
import { isVllmListing, openaiBackend } from "./backends/openai_compat.ts";
import { array, num, record, requestJson, type ServerEndpoint } from "./http.ts";
import type { ModelBackend, ServerKind } from "./types.ts";

/** Builds the backend of a known kind. */
export function backendOfKind(
  kind: ServerKind,
  endpoint: ServerEndpoint,
  loadTimeoutMs: number,
): ModelBackend {
  switch (kind) {
    case "lmstudio":
      return lmstudioBackend(endpoint, loadTimeoutMs);
    case "ollama":
      return ollamaBackend(endpoint, loadTimeoutMs);
    case "llamacpp":
      return llamacppBackend(endpoint, loadTimeoutMs);
    case "openai":
      return openaiBackend(endpoint);
  }
}

/** True for a 401/403: the server answered and refused the key. */
export function isAuthFailure(err: unknown): err is LlmError {
  return err instanceof LlmError && (err.status === 401 || err.status === 403);
}

/** True when a `/v1/models` listing comes from llama-server (either mode). */
export function isLlamacppListing(body: unknown): boolean {
  return isRouterListing(body) ||
    array(record(body).data).some((row) => {
      const m = record(row);
      return m.owned_by === "llamacpp" || num(record(m.meta).n_ctx) !== undefined;
    });
}

/** Probes the server and returns its kind; throws `ServerUnreachableError` if it is down. */
export async function detectServerKind(endpoint: ServerEndpoint): Promise<ServerKind> {
  let refused: LlmError | undefined;
  const get = async (path: string): Promise<unknown> => {
    try {
      return await requestJson(endpoint, "GET", path, { timeoutMs: 5000 });
    } catch (err) {
      if (err instanceof ServerUnreachableError) throw err;
      if (isAuthFailure(err)) refused ??= err;
      return undefined;
    }
  };
  const hasArray = (body: unknown, key: string) => Array.isArray(record(body)[key]);
  const models = await get("/v1/models");
  if (isLlamacppListing(models)) return "llamacpp";
  if (isVllmListing(models)) return "openai";
  if (hasArray(await get("/api/v1/models"), "models")) return "lmstudio";
  if (hasArray(await get("/api/v0/models"), "data")) return "lmstudio";
  if (hasArray(await get("/api/tags"), "models")) return "ollama";
  if (isRouterListing(await get("/models"))) return "llamacpp";
  const props = record(await get("/props"));
  if (num(record(props.default_generation_settings).n_ctx) !== undefined) return "llamacpp";
  if (refused) throw refused;
  return "openai";
}

/** Returns the backend for `config` (probing when `server.kind` is `auto`). */
export async function backendFor(config: Config, fetchFn?: typeof fetch): Promise<ModelBackend> {
  const endpoint: ServerEndpoint = {
    root: config.lm_studio_base_url,
    apiKey: config.openai_api_key,
    ...(fetchFn ? { fetch: fetchFn } : {}),
  };
  const kind = config.server.kind === "auto"
    ? await detectServerKind(endpoint)
    : config.server.kind;
  return backendOfKind(kind, endpoint, config.orchestration.model_load_timeout_s * 1000);
}
