/**
 * Chooses the backend: `config.server.kind`, or for `auto` probes the
 * server (LM Studio REST, Ollama, llama.cpp router, then plain OpenAI).
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import { ServerUnreachableError } from "../llm/errors.ts";
import { llamacppBackend } from "./backends/llamacpp.ts";
import { lmstudioBackend } from "./backends/lmstudio.ts";
import { ollamaBackend } from "./backends/ollama.ts";
import { openaiBackend } from "./backends/openai_compat.ts";
import { array, record, requestJson, type ServerEndpoint } from "./http.ts";
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

async function answers(endpoint: ServerEndpoint, path: string, check: (body: unknown) => boolean) {
  try {
    return check(await requestJson(endpoint, "GET", path, { timeoutMs: 5000 }));
  } catch (err) {
    if (err instanceof ServerUnreachableError) throw err;
    return false;
  }
}

/** Probes the server and returns its kind; throws `ServerUnreachableError` if it is down. */
export async function detectServerKind(endpoint: ServerEndpoint): Promise<ServerKind> {
  const hasArray = (key: string) => (body: unknown) => Array.isArray(record(body)[key]);
  if (await answers(endpoint, "/api/v1/models", hasArray("models"))) return "lmstudio";
  if (await answers(endpoint, "/api/v0/models", hasArray("data"))) return "lmstudio";
  if (await answers(endpoint, "/api/tags", hasArray("models"))) return "ollama";
  const router = (body: unknown) =>
    array(record(body).data).some((row) => record(record(row).status).value !== undefined);
  if (await answers(endpoint, "/models", router)) return "llamacpp";
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
