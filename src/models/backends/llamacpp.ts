/**
 * llama.cpp `llama-server` backend, both modes:
 *
 * - **router** (started without `-m`): `/models` rows carry `status`; LAO
 *   loads and unloads with `/models/load` and `/models/unload`. The context
 *   comes from the model's launch arguments (`--ctx-size`/`-c`) when present.
 * - **single-model** (`llama-server -m model.gguf`): `/models` rows have no
 *   `status`; the one model is always loaded and answers whatever `model` a
 *   request names, so there is nothing to load. Its context is `/props`
 *   `default_generation_settings.n_ctx` (or `meta.n_ctx` of `/v1/models`).
 *
 * The mode is learned from the first listing, so `server.kind: llamacpp` set
 * by hand works for both.
 *
 * @module
 */
import { array, num, record, requestJson, type ServerEndpoint } from "../http.ts";
import type { ModelBackend, ModelInfo } from "../types.ts";

function contextFromArgs(args: unknown[]): number | undefined {
  const list = args.map(String);
  const at = list.findIndex((a) => a === "--ctx-size" || a === "-c");
  const value = at >= 0 ? Number(list[at + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** True when a `/models` (or `/v1/models`) listing comes from router mode. */
export function isRouterListing(body: unknown): boolean {
  return array(record(body).data).some((row) => record(row).status !== undefined);
}

function routerRow(raw: unknown): ModelInfo {
  const m = record(raw);
  const key = String(m.id ?? "");
  const status = record(m.status);
  const ctx = contextFromArgs(array(status.args));
  return {
    key,
    type: /embed/i.test(key) ? "embedding" : "llm",
    ...(ctx !== undefined ? { maxContextLength: ctx } : {}),
    instances: status.value === "loaded"
      ? [{ id: key, ...(ctx !== undefined ? { contextLength: ctx } : {}) }]
      : [],
  };
}

function singleRow(raw: unknown, propsCtx: number | undefined): ModelInfo {
  const m = record(raw);
  const key = String(m.id ?? "");
  const meta = record(m.meta);
  const ctx = propsCtx ?? num(meta.n_ctx);
  const size = num(meta.size);
  const train = num(meta.n_ctx_train);
  return {
    key,
    type: /embed/i.test(key) ? "embedding" : "llm",
    ...(size !== undefined ? { sizeBytes: size } : {}),
    ...(train !== undefined ? { maxContextLength: train } : {}),
    instances: [{ id: key, ...(ctx !== undefined ? { contextLength: ctx } : {}) }],
  };
}

/** Reads the serving context of a single-model server from `/props`. */
async function propsContext(endpoint: ServerEndpoint): Promise<number | undefined> {
  try {
    const props = record(await requestJson(endpoint, "GET", "/props", { timeoutMs: 5000 }));
    return num(record(props.default_generation_settings).n_ctx);
  } catch {
    return undefined; // older builds or `--no-props`: meta.n_ctx still says
  }
}

/** Creates the llama.cpp backend (router or single-model, learned on first listing). */
export function llamacppBackend(endpoint: ServerEndpoint, loadTimeoutMs: number): ModelBackend {
  let mode: "router" | "single" | undefined;

  async function list(): Promise<ModelInfo[]> {
    const body = await requestJson(endpoint, "GET", "/models");
    mode = isRouterListing(body) ? "router" : "single";
    const rows = array(record(body).data);
    if (mode === "router") return rows.map(routerRow);
    const ctx = await propsContext(endpoint);
    return rows.map((row) => singleRow(row, ctx));
  }

  return {
    kind: "llamacpp",
    get canLoad() {
      return mode !== "single";
    },
    setsContext: false,
    get servesAnyKey() {
      return mode === "single";
    },
    get variant() {
      return mode === undefined ? undefined : mode === "single" ? "single-model" : "router";
    },
    async version() {
      // /health is public under --api-key: list too, so a wrong key shows here.
      await requestJson(endpoint, "GET", "/health");
      await list();
      return undefined;
    },
    list,
    async load(key) {
      if (mode === undefined) await list();
      if (mode === "single") return; // the one model is always loaded
      await requestJson(endpoint, "POST", "/models/load", {
        body: { model: key },
        timeoutMs: loadTimeoutMs,
        model: key,
      });
    },
    async unload(id) {
      if (mode === "single") return;
      await requestJson(endpoint, "POST", "/models/unload", {
        body: { model: id },
        timeoutMs: 30_000,
        model: id,
      });
    },
  };
}
