/**
 * LM Studio's native model endpoints: `/api/v1/models` (+ load/unload) and
 * the older `/api/v0/models`.
 *
 * @module
 */
import type { ChatContext } from "./chat.ts";
import {
  findInstance,
  findModel,
  GUARDRAIL_TEXT,
  json,
  loadModel,
  unloadInstance,
} from "./state_ops.ts";
import type { FakeModel, FakeState } from "./types.ts";

function v1Entry(state: FakeState, model: FakeModel) {
  return {
    type: model.type,
    publisher: model.key.includes("/") ? model.key.split("/")[0] : "lmstudio-community",
    key: model.key,
    display_name: model.key,
    architecture: "qwen3",
    quantization: { name: "Q4_K_M", bits_per_weight: 4 },
    size_bytes: model.sizeBytes,
    params_string: "30B",
    loaded_instances: state.instances.filter((i) => i.key === model.key).map((i) => ({
      id: i.id,
      config: { context_length: i.contextLength },
    })),
    max_context_length: model.maxContextLength,
    format: "gguf",
    capabilities: { vision: false, trained_for_tool_use: model.type === "llm" },
  };
}

function v0Entry(state: FakeState, model: FakeModel) {
  const instance = findInstance(state, model.key);
  return {
    id: model.key,
    object: "model",
    type: model.type === "llm" ? "llm" : "embeddings",
    publisher: "lmstudio-community",
    arch: "qwen3",
    compatibility_type: "gguf",
    quantization: "Q4_K_M",
    state: instance ? "loaded" : "not-loaded",
    max_context_length: model.maxContextLength,
    ...(instance ? { loaded_context_length: instance.contextLength } : {}),
  };
}

/** Handles LM Studio native routes; returns `null` when the path is not one of them. */
export async function lmstudioRoute(
  ctx: ChatContext,
  method: string,
  path: string,
  body: Record<string, unknown>,
  loadLatencyMs: number,
): Promise<Response | null> {
  const { state } = ctx;
  if (path.startsWith("/api/v1/") && state.lmstudioApi === "v0") {
    return json(404, { error: "Unexpected endpoint or method." });
  }
  if (method === "GET" && path === "/api/v1/models") {
    return json(200, { models: state.models.map((m) => v1Entry(state, m)) });
  }
  if (method === "GET" && path === "/api/v0/models") {
    return json(200, { object: "list", data: state.models.map((m) => v0Entry(state, m)) });
  }
  if (method === "POST" && path === "/api/v1/models/load") {
    const key = String(body.model ?? "");
    const model = findModel(state, key);
    if (!model) {
      return json(404, { error: { type: "model_not_found", message: `Model "${key}" not found` } });
    }
    if (state.guardrail) {
      return json(500, { error: { type: "model_load_failed", message: GUARDRAIL_TEXT } });
    }
    if (loadLatencyMs > 0) await new Promise((r) => setTimeout(r, loadLatencyMs));
    const ctxLen = typeof body.context_length === "number" ? body.context_length : undefined;
    const instance = loadModel(state, model, ctxLen, "api", ctx.memory);
    return json(200, {
      type: model.type,
      instance_id: instance.id,
      load_time_seconds: loadLatencyMs / 1000,
      status: "loaded",
      ...(body.echo_load_config ? { load_config: { context_length: instance.contextLength } } : {}),
    });
  }
  if (method === "POST" && path === "/api/v1/models/unload") {
    const id = String(body.instance_id ?? "");
    const instance = state.instances.find((i) => i.id === id);
    if (!instance) {
      return json(404, {
        error: { type: "model_not_found", message: `No loaded instance "${id}"` },
      });
    }
    unloadInstance(state, instance, ctx.memory);
    return json(200, { instance_id: id });
  }
  return null;
}
