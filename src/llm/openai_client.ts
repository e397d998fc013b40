/**
 * The real {@linkcode LlmClient}: the `openai` npm package pointed at a local
 * server's `<root>/v1`, with SDK retries off (our retry wrapper decides), a
 * per-request timeout that also covers stalled streams, and every failure
 * classified into a typed `LlmError`.
 *
 * @module
 */
import OpenAI from "openai";
import { InterruptedError } from "../errors.ts";
import {
  applyChunk,
  assembleCompletion,
  type AssembledAnswer,
  finishStream,
  newStreamState,
} from "./assemble.ts";
import {
  classifyError,
  EmptyAnswerError,
  MalformedResponseError,
  RequestTimeoutError,
} from "./errors.ts";
import type { CallOptions, ChatRequest, ChatResult, LlmClient } from "./types.ts";

/** Options of {@linkcode createOpenAiClient}. */
export interface OpenAiClientOptions {
  /** Server root without `/v1`, e.g. `http://127.0.0.1:1234`. */
  baseUrl: string;
  /** API key (LM Studio accepts anything unless auth is on). */
  apiKey: string;
  /** Per-request timeout in milliseconds (whole call, including streaming). */
  timeoutMs: number;
  /** Clock in milliseconds, injectable for tests. */
  now?: () => number;
}

/** Returns `root/v1` without doubled slashes. */
export function v1Url(root: string): string {
  return `${root.replace(/\/+$/, "").replace(/\/v1$/, "")}/v1`;
}

function requestBody(req: ChatRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { model: req.model, messages: req.messages };
  if (req.max_tokens !== undefined) body.max_tokens = req.max_tokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.tools?.length) {
    body.tools = req.tools;
    body.tool_choice = req.tool_choice ?? "auto";
  } else if (req.tool_choice) body.tool_choice = req.tool_choice;
  if (req.response_format) body.response_format = req.response_format;
  return body;
}

/** Throws {@linkcode EmptyAnswerError} when the model produced no usable answer. */
export function requireAnswer(answer: AssembledAnswer, model: string): AssembledAnswer {
  if (answer.content.trim() || answer.toolCalls.length) return answer;
  // Cut at max_tokens (e.g. a tool call the server's parser held back): the caller decides.
  if (answer.finishReason === "length") return answer;
  if (answer.reasoning.trim()) {
    throw new EmptyAnswerError(
      `Model "${model}" reasoned but gave no answer: raise max_tokens or retry`,
      answer.reasoning,
    );
  }
  throw new EmptyAnswerError(
    `Model "${model}" returned an empty answer: the prompt may exceed its context length`,
  );
}

/** Creates a client for one server. */
export function createOpenAiClient(options: OpenAiClientOptions): LlmClient {
  const now = options.now ?? (() => performance.now());
  const sdk = new OpenAI({
    baseURL: v1Url(options.baseUrl),
    apiKey: options.apiKey,
    maxRetries: 0,
    logLevel: "off",
    timeout: options.timeoutMs,
  });

  async function withDeadline<T>(
    signal: AbortSignal | undefined,
    model: string,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (signal?.aborted) throw new InterruptedError();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await run(controller.signal);
    } catch (err) {
      if (timedOut) {
        throw new RequestTimeoutError(
          `Request to model "${model}" timed out after ${options.timeoutMs / 1000} s`,
        );
      }
      throw classifyError(err, model);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  async function streamed(
    req: ChatRequest,
    signal: AbortSignal,
    onProgress?: CallOptions["onProgress"],
  ): Promise<AssembledAnswer> {
    const body = { ...requestBody(req), stream: true, stream_options: { include_usage: true } };
    // The SDK's types do not know LM Studio's extra fields; the body is built by requestBody.
    const stream = await sdk.chat.completions.create(
      body as unknown as OpenAI.ChatCompletionCreateParamsStreaming,
      { signal },
    );
    const state = newStreamState();
    for await (const chunk of stream) {
      applyChunk(state, chunk);
      if (onProgress) {
        let chars = state.content.length + state.reasoning.length;
        for (const t of state.tools.values()) chars += t.arguments.length;
        onProgress({ chars });
      }
    }
    if (state.finishReason === null) {
      throw new MalformedResponseError(
        `Stream from model "${req.model}" ended before a finish reason`,
      );
    }
    return finishStream(state);
  }

  async function whole(req: ChatRequest, signal: AbortSignal): Promise<AssembledAnswer> {
    const body = requestBody(req) as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const reply = await sdk.chat.completions.create(body, { signal });
    return assembleCompletion(reply);
  }

  return {
    async chat(req: ChatRequest, opts?: CallOptions): Promise<ChatResult> {
      const started = now();
      const answer = await withDeadline(
        opts?.signal,
        req.model,
        (signal) => req.stream ? streamed(req, signal, opts?.onProgress) : whole(req, signal),
      );
      requireAnswer(answer, req.model);
      return { ...answer, seconds: (now() - started) / 1000 };
    },

    embed(model: string, texts: string[], signal?: AbortSignal): Promise<number[][]> {
      return withDeadline(signal, model, async (inner) => {
        const reply = await sdk.embeddings.create(
          { model, input: texts, encoding_format: "float" },
          { signal: inner },
        );
        const rows = [...reply.data].sort((a, b) => a.index - b.index);
        if (rows.length !== texts.length) {
          throw new MalformedResponseError(
            `Embedding model "${model}" returned ${rows.length} vectors for ${texts.length} texts`,
          );
        }
        return rows.map((row) => row.embedding);
      });
    },
  };
}
