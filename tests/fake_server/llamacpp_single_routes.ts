/**
 * llama.cpp `llama-server -m model.gguf` (single-model mode), as captured from
 * a real server (`research/llama-server-wire/`): `/v1/models` and `/models`
 * with `owned_by: "llamacpp"` and `meta.n_ctx`, `/props`, `/slots`, `/health`,
 * `/tokenize`, 404 `not_found_error` for router and other servers' routes,
 * `--api-key` (401 everywhere but `/health`), the template-driven 500 when a
 * history's tool-call `arguments` are not JSON, and `timings` on answers.
 * The model named in a chat request is ignored: the one model serves it.
 *
 * @module
 */
import type { ChatContext } from "./chat.ts";
import { fakeTokens, json } from "./state_ops.ts";
import type { ChatBody, FakeInstance, FakeState, Reply } from "./types.ts";

/** The build the captures came from. */
export const LLAMACPP_BUILD = "b1-de3ff81";

/** The exact 401 body of `llama-server --api-key` for a missing or wrong key. */
export const INVALID_API_KEY_BODY = {
  error: { message: "Invalid API Key", type: "authentication_error", code: 401 },
};

/** The exact 404 body for a route llama-server does not have. */
export const NOT_FOUND_BODY = {
  error: { message: "File Not Found", type: "not_found_error", code: 404 },
};

/** A reply that fails like the shared KV cache filling up mid-generation (500). */
export function kvFullReply(): Reply {
  return {
    error: {
      status: 500,
      body: {
        error: { code: 500, message: "Context size has been exceeded.", type: "server_error" },
      },
    },
  };
}

/** Per-server bookkeeping of the single-model flavour. */
export interface SingleModelInfo {
  /** Slots (`-np`). */
  slots: number;
  /** Prompt text of the previous chat (for `timings.cache_n`). */
  lastPrompt: string;
}

/** The served instance (the first loaded one). */
export function servedInstance(state: FakeState): FakeInstance | undefined {
  return state.instances[0];
}

/** True when a request passes `--api-key` (always true without a key). */
export function authorized(state: FakeState, path: string, authorization: string | null): boolean {
  if (!state.apiKey || path === "/health" || path === "/v1/health") return true;
  return authorization === `Bearer ${state.apiKey}`;
}

function modelsBody(state: FakeState) {
  const served = servedInstance(state);
  const model = state.models.find((m) => m.key === served?.key);
  if (!served || !model) return { models: [], object: "list", data: [] };
  return {
    models: [{
      name: served.key,
      model: served.key,
      modified_at: "",
      size: "",
      digest: "",
      type: "model",
      description: "",
      tags: [""],
      capabilities: ["completion"],
      parameters: "",
      details: {
        parent_model: "",
        format: "gguf",
        family: "",
        families: [""],
        parameter_size: "",
        quantization_level: "",
      },
    }],
    object: "list",
    data: [{
      id: served.key,
      aliases: [served.key],
      tags: [],
      object: "model",
      created: Math.floor(Date.now() / 1000),
      owned_by: "llamacpp",
      meta: {
        vocab_type: 2,
        n_vocab: 151936,
        n_ctx: served.contextLength,
        n_ctx_train: model.maxContextLength,
        n_embd: 64,
        n_params: 19530432,
        size: model.sizeBytes,
        ftype: "all F32",
      },
    }],
  };
}

function propsBody(state: FakeState, info: SingleModelInfo) {
  const served = servedInstance(state);
  return {
    default_generation_settings: {
      params: { temperature: 0.8, top_k: 40, top_p: 0.95, max_tokens: -1, n_predict: -1 },
      n_ctx: served?.contextLength ?? 0,
    },
    total_slots: info.slots,
    model_alias: served?.key ?? "",
    model_ftype: "all F32",
    model_path: served?.key ?? "",
    modalities: { vision: false, video: false, audio: false },
    endpoint_slots: true,
    endpoint_props: false,
    endpoint_metrics: false,
    chat_template: "{%- if tools %}\n    {{- '<|im_start|>system\\n' }}\n{%- endif %}",
    build_info: LLAMACPP_BUILD,
    is_sleeping: false,
  };
}

function slotsBody(state: FakeState, info: SingleModelInfo) {
  const nCtx = servedInstance(state)?.contextLength ?? 0;
  return Array.from({ length: info.slots }, (_, id) => ({
    id,
    id_task: -1,
    n_ctx: nCtx,
    speculative: false,
    is_processing: false,
    params: { n_predict: -1 },
    next_token: { has_next_token: true, n_remain: -1, n_decoded: 0 },
  }));
}

/** The text the chat template would render (content and tool-call arguments). */
function promptText(body: ChatBody): string {
  return (body.messages ?? []).map((m) => {
    const calls = (m as { tool_calls?: { function?: { arguments?: unknown } }[] }).tool_calls;
    const args = (calls ?? []).map((c) => String(c.function?.arguments ?? "")).join("");
    return `${typeof m.content === "string" ? m.content : ""}${args}`;
  }).join("\n");
}

/** llama-server's 500 when the template parses a history's invalid `arguments`. */
function invalidArguments(body: ChatBody): Response | null {
  for (const message of body.messages ?? []) {
    const calls = (message as { tool_calls?: { function?: { arguments?: unknown } }[] })
      .tool_calls;
    for (const call of calls ?? []) {
      const args = call.function?.arguments;
      if (typeof args !== "string") continue;
      try {
        JSON.parse(args);
      } catch (err) {
        const at = /position (\d+)/.exec(String(err))?.[1];
        const offset = at === undefined ? args.length : Number(at);
        const before = args.slice(0, offset);
        const line = before.split("\n").length;
        const column = offset - before.lastIndexOf("\n");
        return json(500, {
          error: {
            code: 500,
            message:
              `Failed to parse tool call arguments as JSON: [json.exception.parse_error.101] parse error at line ${line}, column ${column}: syntax error while parsing value - invalid literal; last read: '${
                args.slice(Math.max(0, offset - 40), offset + 1)
              }'`,
            type: "server_error",
          },
        });
      }
    }
  }
  return null;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Adds llama-server's `timings` and `prompt_tokens_details` next to a `usage`. */
function withTimings(payload: Record<string, unknown>, cacheN: number): Record<string, unknown> {
  const usage = payload.usage as Record<string, number> | undefined;
  if (!usage) return payload;
  const promptN = Math.max(0, (usage.prompt_tokens ?? 0) - cacheN);
  return {
    ...payload,
    system_fingerprint: LLAMACPP_BUILD,
    usage: { ...usage, prompt_tokens_details: { cached_tokens: cacheN } },
    timings: {
      cache_n: cacheN,
      prompt_n: promptN,
      prompt_ms: promptN * 0.05,
      prompt_per_token_ms: 0.05,
      prompt_per_second: 20000,
      predicted_n: usage.completion_tokens ?? 0,
      predicted_ms: (usage.completion_tokens ?? 0) * 4,
      predicted_per_token_ms: 4,
      predicted_per_second: 250,
    },
  };
}

async function decorate(response: Response, cacheN: number): Promise<Response> {
  const type = response.headers.get("content-type") ?? "";
  if (response.status !== 200 || !response.body) return response;
  if (type.includes("application/json")) {
    const payload = await response.json() as Record<string, unknown>;
    return json(200, withTimings(payload, cacheN));
  }
  if (!type.includes("text/event-stream")) return response;
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffer = "";
  const rewrite = (event: string) => {
    if (!event.startsWith("data: {")) return event;
    const payload = JSON.parse(event.slice(6)) as Record<string, unknown>;
    const out = payload.usage
      ? withTimings(payload, cacheN)
      : { ...payload, system_fingerprint: LLAMACPP_BUILD };
    return `data: ${JSON.stringify(out)}`;
  };
  const transform = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        try {
          controller.enqueue(encoder.encode(`${rewrite(event)}\n\n`));
        } catch {
          controller.enqueue(encoder.encode(`${event}\n\n`)); // an injected malformed line
        }
      }
    },
    flush(controller) {
      if (buffer) controller.enqueue(encoder.encode(buffer));
    },
  });
  return new Response(response.body.pipeThrough(transform), {
    status: 200,
    headers: response.headers,
  });
}

/** A chat handler (the shared one in `chat.ts`, with the fault already chosen). */
export type ChatHandler = (body: ChatBody) => Response | Promise<Response>;

/** Handles single-model llama-server routes; `null` when the path is not one of them. */
export async function llamacppSingleRoute(
  ctx: ChatContext,
  info: SingleModelInfo,
  request: { method: string; path: string; body: Record<string, unknown> },
  chat: ChatHandler,
): Promise<Response | null> {
  const { state } = ctx;
  const { method, path, body } = request;
  if (method === "GET" && (path === "/health" || path === "/v1/health")) {
    return json(200, { status: "ok" });
  }
  if (method === "GET" && (path === "/v1/models" || path === "/models")) {
    return json(200, modelsBody(state));
  }
  if (method === "GET" && path === "/props") return json(200, propsBody(state, info));
  if (method === "GET" && path === "/slots") return json(200, slotsBody(state, info));
  if (method === "POST" && path === "/tokenize") {
    const count = fakeTokens(String(body.content ?? ""));
    const ids = Array.from({ length: count }, (_, i) => 1000 + i);
    return json(200, {
      tokens: body.with_pieces ? ids.map((id) => ({ id, piece: "tok" })) : ids,
    });
  }
  if (method === "POST" && path === "/v1/chat/completions") {
    const chatBody = body as ChatBody;
    const broken = invalidArguments(chatBody);
    if (broken) return broken;
    const served = servedInstance(state);
    const prompt = promptText(chatBody);
    const cacheN = fakeTokens(prompt.slice(0, commonPrefix(prompt, info.lastPrompt)));
    info.lastPrompt = prompt;
    const response = chat({ ...chatBody, model: served?.key ?? String(chatBody.model ?? "") });
    return await decorate(await response, cacheN);
  }
  if (path === "/v1/embeddings") return null;
  return json(404, NOT_FOUND_BODY);
}
