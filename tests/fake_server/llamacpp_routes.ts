/**
 * llama.cpp `llama-server` router-mode endpoints: `/health`, `/models`,
 * `/models/load`, `/models/unload`, `/tokenize`.
 *
 * @module
 */
import type { ChatContext } from "./chat.ts";
import {
  fakeTokens,
  findInstance,
  findModel,
  json,
  loadModel,
  unloadInstance,
} from "./state_ops.ts";

/** Handles llama.cpp router routes; returns `null` when the path is not one of them. */
export function llamacppRoute(
  ctx: ChatContext,
  method: string,
  path: string,
  body: Record<string, unknown>,
): Response | null {
  const { state } = ctx;
  if (method === "GET" && (path === "/health" || path === "/v1/health")) {
    return json(200, { status: "ok" });
  }
  if (method === "GET" && path === "/models") {
    return json(200, {
      data: state.models.map((m) => {
        const instance = findInstance(state, m.key);
        return {
          id: m.key,
          path: `/models/${m.key.replaceAll("/", "_")}.gguf`,
          status: instance
            ? { value: "loaded", args: ["--ctx-size", String(instance.contextLength)] }
            : { value: "unloaded" },
        };
      }),
    });
  }
  if (method === "POST" && (path === "/models/load" || path === "/models/unload")) {
    const key = String(body.model ?? "");
    const model = findModel(state, key);
    if (!model) {
      return json(400, {
        error: { code: 400, message: `model "${key}" not found`, type: "invalid_request_error" },
      });
    }
    const instance = findInstance(state, key);
    if (path === "/models/load" && !instance) {
      loadModel(state, model, model.maxContextLength, "api", ctx.memory);
    }
    if (path === "/models/unload" && instance) unloadInstance(state, instance, ctx.memory);
    return json(200, { success: true });
  }
  if (method === "POST" && path === "/tokenize") {
    const count = fakeTokens(String(body.content ?? ""));
    return json(200, { tokens: Array.from({ length: count }, (_, i) => 1000 + i) });
  }
  return null;
}
