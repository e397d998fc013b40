/**
 * `POST /v1/chat/completions` of the fake server: routing (loaded, JIT,
 * unknown), validation, overflow detection, scripted replies, both the
 * non-streaming envelope and LM Studio's exact SSE chunk shapes, and the
 * injected transport faults (`transport_faults.ts`).
 *
 * @module
 */
import {
  fakeTokens,
  findInstance,
  findModel,
  GUARDRAIL_TEXT,
  json,
  loadModel,
  overflowReply,
  sseOverflowMessage,
} from "./state_ops.ts";
import { faultResponse, GARBAGE, isStandaloneFault } from "./transport_faults.ts";
import type {
  ChatBody,
  FakeMemoryHook,
  FakeState,
  Fault,
  OverflowStyle,
  Reply,
  Respond,
} from "./types.ts";

/** What the chat handler needs from the server. */
export interface ChatContext {
  /** Server state. */
  state: FakeState;
  /** Scripted model. */
  respond?: Respond;
  /** Reply queues per model key. */
  queues: Map<string, Reply[]>;
  /** Memory hook. */
  memory?: FakeMemoryHook;
  /** Chats answered so far. */
  calls: number;
}

const encoder = new TextEncoder();

function defaultOverflowStyle(state: FakeState, stream: boolean): OverflowStyle {
  if (state.flavor === "llamacpp") return "llamacpp";
  if (state.flavor === "ollama") return "ollama";
  return stream ? "lmstudio_sse" : "lmstudio_legacy";
}

function promptTokens(body: ChatBody): number {
  const messages = body.messages ?? [];
  const text = messages.map((m) => typeof m.content === "string" ? m.content : "").join("\n");
  return fakeTokens(text) + messages.length * 4 + fakeTokens(JSON.stringify(body.tools ?? ""));
}

function routeError(ctx: ChatContext, key: string): Response | null {
  const { state } = ctx;
  const model = findModel(state, key);
  if (!model) {
    if (state.flavor === "ollama") {
      return json(404, { error: { message: `model "${key}" not found, try pulling it first` } });
    }
    const known = state.models.map((m) => m.key).join(", ");
    return json(400, {
      error: {
        message:
          `Invalid model identifier "${key}". Please specify a valid downloaded model (e.g., ${known}).`,
        type: "invalid_request_error",
        param: "model",
        code: "model_not_found",
      },
    });
  }
  if (model.type !== "llm") {
    return json(400, { error: `Model "${key}" is not a chat model` });
  }
  if (findInstance(state, key)) return null;
  if (!state.jit) {
    return json(404, {
      error: {
        message:
          "No models loaded. Please load a model in the developer page or use the 'lms load' command.",
        type: "invalid_request_error",
        param: "model",
        code: "model_not_found",
      },
    });
  }
  if (state.guardrail === "all") {
    return json(500, { error: { type: "model_load_failed", message: GUARDRAIL_TEXT } });
  }
  loadModel(state, model, model.maxContextLength, "jit", ctx.memory);
  return null;
}

function nextReply(ctx: ChatContext, key: string, body: ChatBody): Reply {
  const queued = ctx.queues.get(key)?.shift();
  if (queued) return queued;
  if (ctx.respond) return ctx.respond(body, { model: key, call: ctx.calls });
  return {
    error: {
      status: 400,
      body: {
        error:
          `Fake server has no scripted reply for model "${key}" (chat #${ctx.calls}): pass respond or queues to start()`,
      },
    },
  };
}

function normalise(reply: Reply, state: FakeState) {
  const toolCalls = (reply.toolCalls ?? []).map((call, i) => ({
    id: String(100000000 + Math.floor(Math.random() * 800000000) + i),
    type: "function" as const,
    function: {
      name: call.name,
      arguments: typeof call.arguments === "string"
        ? call.arguments
        : JSON.stringify(call.arguments),
    },
  }));
  const inline = state.reasoningField === "inline" && reply.reasoning;
  const content = inline
    ? `<think>${reply.reasoning}</think>\n${reply.content ?? ""}`
    : reply.content ?? "";
  return {
    content,
    reasoning: inline ? "" : reply.reasoning ?? "",
    toolCalls,
    finishReason: reply.finishReason ?? (toolCalls.length ? "tool_calls" : "stop"),
  };
}

/** Splits text into pieces of about one token. */
function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

type Chunk = Record<string, unknown>;

function sseChunks(
  key: string,
  answer: ReturnType<typeof normalise>,
  state: FakeState,
  usage: Record<string, number> | null,
): Chunk[] {
  const id = `chatcmpl-${crypto.randomUUID().slice(0, 18)}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): Chunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model: key,
    system_fingerprint: key,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const field = state.reasoningField === "reasoning" ? "reasoning" : "reasoning_content";
  const chunks: Chunk[] = [chunk({ role: "assistant", content: "" })];
  for (const piece of pieces(answer.reasoning, 5)) chunks.push(chunk({ [field]: piece }));
  for (const piece of pieces(answer.content, 4)) chunks.push(chunk({ content: piece }));
  answer.toolCalls.forEach((call, index) => {
    chunks.push(chunk({
      tool_calls: [{
        index,
        id: call.id,
        type: "function",
        function: { name: call.function.name, arguments: "" },
      }],
    }));
    for (const piece of pieces(call.function.arguments, 7)) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  chunks.push(chunk({}, answer.finishReason));
  if (usage) {
    chunks.push({ id, object: "chat.completion.chunk", created, model: key, choices: [], usage });
  }
  return chunks;
}

/** Builds an SSE response from pre-rendered `data:` payloads, applying stream faults. */
function sseResponse(lines: string[], fault?: Fault): Response {
  const cut = fault?.afterChunks ?? 2;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < lines.length; i++) {
        if (fault && i === cut) {
          if (fault.kind === "stream_cut") return controller.close();
          if (fault.kind === "reset") return controller.error(new Error("fake connection reset"));
          if (fault.kind === "garbage_sse") {
            controller.enqueue(encoder.encode(GARBAGE));
            return controller.close();
          }
          if (fault.kind === "malformed_json") {
            controller.enqueue(
              encoder.encode(`data: {"id":"chatcmpl-broken","choices":[{"delta":\n\n`),
            );
          }
        }
        controller.enqueue(encoder.encode(lines[i]));
      }
      controller.close();
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
  });
}

/** Answers one chat completion request. `fault` is the fault to apply, if any. */
export function handleChat(ctx: ChatContext, body: ChatBody, fault?: Fault): Response {
  const key = String(body.model ?? "");
  const stream = body.stream === true;
  const format = body.response_format as { type?: string } | undefined;
  if (format?.type === "json_object") {
    return json(400, { error: "'response_format.type' must be 'json_schema' or 'text'" });
  }
  if (body.tool_choice && typeof body.tool_choice === "object") {
    return json(400, { error: "Invalid tool_choice type: 'object'" });
  }
  const routed = routeError(ctx, key);
  if (routed) return routed;
  const instance = findInstance(ctx.state, key);
  // Transport faults answer on their own: no scripted reply is consumed.
  if (isStandaloneFault(fault)) return faultResponse(fault!, key, stream);
  ctx.calls++;
  const tokens = promptTokens(body);
  const ctxLength = instance?.contextLength ?? 4096;
  const style = fault?.kind === "overflow"
    ? fault.style ?? defaultOverflowStyle(ctx.state, stream)
    : tokens > ctxLength
    ? defaultOverflowStyle(ctx.state, stream)
    : null;
  if (style) {
    const reply = overflowReply(style, tokens, ctxLength);
    if (reply) return reply;
    if (style === "lmstudio_sse") {
      const message = sseOverflowMessage(tokens, ctxLength);
      return sseResponse([
        `event: error\ndata: ${JSON.stringify({ error: { message }, message })}\n\n`,
      ]);
    }
  }
  let reply: Reply = style === "silent_empty" ? { content: "" } : nextReply(ctx, key, body);
  if (fault?.kind === "empty_reasoning_only") {
    reply = { content: "", reasoning: reply.reasoning ?? "Let me think about this." };
  }
  if (reply.error) return json(reply.error.status, reply.error.body);
  const answer = normalise(reply, ctx.state);
  const completion = fakeTokens(answer.content + answer.reasoning) +
    answer.toolCalls.reduce((n, c) => n + fakeTokens(c.function.arguments), 0);
  const usage = {
    prompt_tokens: tokens,
    completion_tokens: completion,
    total_tokens: tokens + completion,
  };
  if (stream) {
    const options = body.stream_options as { include_usage?: boolean } | undefined;
    const chunks = sseChunks(key, answer, ctx.state, options?.include_usage ? usage : null);
    const lines = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`);
    lines.push("data: [DONE]\n\n");
    return sseResponse(lines, fault);
  }
  const field = ctx.state.reasoningField === "reasoning" ? "reasoning" : "reasoning_content";
  const message: Record<string, unknown> = { role: "assistant", content: answer.content };
  if (answer.reasoning) message[field] = answer.reasoning;
  message.tool_calls = answer.toolCalls;
  const envelope = {
    id: `chatcmpl-${crypto.randomUUID().slice(0, 18)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: key,
    choices: [{ index: 0, logprobs: null, finish_reason: answer.finishReason, message }],
    usage,
    stats: {},
    system_fingerprint: key,
  };
  if (fault?.kind === "malformed_json") {
    return new Response(JSON.stringify(envelope).slice(0, 40), {
      headers: { "content-type": "application/json" },
    });
  }
  return json(200, envelope);
}
