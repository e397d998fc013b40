/**
 * Load, unload and lookup operations on the fake server's state, plus the
 * error texts each real server uses.
 *
 * @module
 */
import type { FakeInstance, FakeMemoryHook, FakeModel, FakeState, OverflowStyle } from "./types.ts";

/** Exact guardrail refusal text (LM Studio, spec servers.md §1.8). */
export const GUARDRAIL_TEXT =
  "Model loading was stopped due to insufficient system resources. Under the current settings, this model requires approximately 20.1 GB of memory, and continuing to load it would likely overload your system and cause it to freeze. If you think this is incorrect, you can adjust the model loading guardrails in settings.";

/** Exact crash text (LM Studio). */
export const CRASH_TEXT =
  "The model has crashed without additional information. (Exit code: 18446744072635810000)";

/** Returns a JSON response. */
export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** Rough token count used by the fake (about 4 characters per token). */
export function fakeTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Finds a catalogue entry by key. */
export function findModel(state: FakeState, key: string): FakeModel | undefined {
  return state.models.find((m) => m.key === key);
}

/** Finds a loaded instance by key or instance id. */
export function findInstance(state: FakeState, keyOrId: string): FakeInstance | undefined {
  return state.instances.find((i) => i.id === keyOrId) ??
    state.instances.find((i) => i.key === keyOrId);
}

/** Loads `model`; returns the new instance. */
export function loadModel(
  state: FakeState,
  model: FakeModel,
  contextLength: number | undefined,
  loadedBy: "api" | "jit",
  memory?: FakeMemoryHook,
): FakeInstance {
  if (loadedBy === "jit" && state.autoEvict) {
    for (const jit of state.instances.filter((i) => i.loadedBy === "jit")) {
      unloadInstance(state, jit, memory);
    }
  }
  const taken = state.instances.filter((i) => i.key === model.key).length;
  const instance: FakeInstance = {
    id: taken === 0 ? model.key : `${model.key}:${taken + 1}`,
    key: model.key,
    contextLength: Math.min(contextLength ?? 4096, model.maxContextLength),
    loadedBy,
  };
  state.instances.push(instance);
  state.loads++;
  memory?.onLoad(model.sizeBytes);
  return instance;
}

/** Unloads one instance. */
export function unloadInstance(
  state: FakeState,
  instance: FakeInstance,
  memory?: FakeMemoryHook,
): void {
  const index = state.instances.indexOf(instance);
  if (index === -1) return;
  state.instances.splice(index, 1);
  state.unloads++;
  memory?.onUnload(findModel(state, instance.key)?.sizeBytes ?? 0);
}

/** An overflow error reply in the given style; `null` for the SSE and silent styles. */
export function overflowReply(style: OverflowStyle, prompt: number, ctx: number): Response | null {
  switch (style) {
    case "lmstudio_legacy":
      return json(400, {
        error:
          `Trying to keep the first ${prompt} tokens when context the overflows. However, the model is loaded with context length of only ${ctx} tokens, which is not enough. Try to load the model with a larger context length, or provide a shorter input`,
      });
    case "lmstudio_n_keep":
      return json(400, {
        error: `Cannot truncate prompt with n_keep (${prompt}) >= n_ctx (${ctx})`,
      });
    case "lmstudio_mlx":
      return json(400, { error: "Context size has been exceeded" });
    case "llamacpp":
      return json(400, {
        error: {
          code: 400,
          message:
            `request (${prompt} tokens) exceeds the available context size (${ctx} tokens), try increasing it`,
          type: "exceed_context_size_error",
          n_prompt_tokens: prompt,
          n_ctx: ctx,
        },
      });
    case "ollama":
      return json(400, {
        error: {
          message:
            "the prompt is longer than the context length currently available to the model; shorten the prompt, adjust the context length in settings, or use a model with a longer context length",
          type: "invalid_request_error",
          param: null,
          code: null,
        },
      });
    default:
      return null;
  }
}

/** The LM Studio 0.4 streaming overflow message. */
export function sseOverflowMessage(prompt: number, ctx: number): string {
  return `Input does not fit in context length. The input has ${prompt} tokens, but the context length only supports ${ctx} tokens.`;
}
