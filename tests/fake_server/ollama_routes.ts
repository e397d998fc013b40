/**
 * Ollama's native model endpoints: `/api/tags`, `/api/ps`, `/api/generate`
 * (load with an empty prompt, unload with `keep_alive: 0`), `/api/version`.
 *
 * @module
 */
import type { ChatContext } from "./chat.ts";
import { findInstance, findModel, json, loadModel, unloadInstance } from "./state_ops.ts";
import type { FakeModel } from "./types.ts";

function tag(model: FakeModel) {
  return {
    name: model.key,
    model: model.key,
    modified_at: "2026-05-01T10:00:00.000000000+02:00",
    size: model.sizeBytes,
    digest: "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
    details: {
      parent_model: "",
      format: "gguf",
      family: "qwen3",
      families: ["qwen3"],
      parameter_size: "30.5B",
      quantization_level: "Q4_K_M",
    },
  };
}

/** Handles Ollama routes; returns `null` when the path is not one of them. */
export function ollamaRoute(
  ctx: ChatContext,
  method: string,
  path: string,
  body: Record<string, unknown>,
): Response | null {
  const { state } = ctx;
  if (method === "GET" && path === "/") return new Response("Ollama is running");
  if (method === "GET" && path === "/api/version") return json(200, { version: "0.32.15" });
  if (method === "GET" && path === "/api/tags") {
    return json(200, { models: state.models.map(tag) });
  }
  if (method === "GET" && path === "/api/ps") {
    const models = state.instances.map((i) => {
      const model = findModel(state, i.key);
      const size = model?.sizeBytes ?? 0;
      return {
        ...tag(model ?? { key: i.key, type: "llm", sizeBytes: 0, maxContextLength: 0 }),
        expires_at: "2026-05-01T10:05:00.000000000+02:00",
        size_vram: size,
        context_length: i.contextLength,
      };
    });
    return json(200, { models });
  }
  if (method === "POST" && path === "/api/show") {
    const key = String(body.model ?? body.name ?? "");
    const model = findModel(state, key);
    if (!model) return json(404, { error: `model '${key}' not found` });
    return json(200, {
      modelfile: `FROM ${key}`,
      parameters: "",
      template: "{{ .Prompt }}",
      details: tag(model).details,
      model_info: {
        "general.architecture": "qwen3",
        "general.parameter_count": 30_532_122_624,
        "qwen3.context_length": model.maxContextLength,
      },
      capabilities: model.type === "llm" ? ["completion", "tools"] : ["embedding"],
    });
  }
  if (method === "POST" && (path === "/api/generate" || path === "/api/chat")) {
    const key = String(body.model ?? "");
    const model = findModel(state, key);
    if (!model) return json(404, { error: `model "${key}" not found, try pulling it first` });
    const reply = { model: key, created_at: new Date().toISOString(), response: "", done: true };
    if (body.keep_alive === 0) {
      const instance = findInstance(state, key);
      if (instance) unloadInstance(state, instance, ctx.memory);
      return json(200, { ...reply, done_reason: "unload" });
    }
    const options = body.options as { num_ctx?: number } | undefined;
    const existing = findInstance(state, key);
    if (existing && options?.num_ctx && existing.contextLength !== options.num_ctx) {
      unloadInstance(state, existing, ctx.memory);
    }
    if (!findInstance(state, key)) {
      loadModel(state, model, options?.num_ctx ?? 4096, "api", ctx.memory);
    }
    return json(200, { ...reply, done_reason: "load" });
  }
  return null;
}
