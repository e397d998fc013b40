/**
 * The real {@linkcode LlmClient}: plain `fetch` against a local server's
 * `<root>/v1` (OpenAI-compatible chat and embeddings), with a per-request
 * timeout that also covers stalled and never-ending streams, replies read
 * with bounded memory (see `transport.ts`), and every failure classified
 * into a typed `LlmError`.
 *
 * @module
 */
import { InterruptedError } from "../errors.ts";
import type { AssembledAnswer } from "./assemble.ts";
import {
  classifyError,
  EmptyAnswerError,
  MalformedResponseError,
  RequestTimeoutError,
} from "./errors.ts";
import {
  DEFAULT_REPLY_LIMITS,
  failedReply,
  readCapped,
  readStreamReply,
  readWholeReply,
  replyCaps,
  type ReplyContext,
  type ReplyLimits,
} from "./transport.ts";
import type { CallOptions, ChatRequest, ChatResult, LlmClient } from "./types.ts";

/** The largest delay `setTimeout` takes (2^31 − 1 ms); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Clamps a timeout to what a timer can wait (at least 1 ms, below 2^31 − 1 ms). */
export function clampTimeoutMs(ms: number): number {
  if (!Number.isFinite(ms)) return MAX_TIMER_MS - 1;
  return Math.min(MAX_TIMER_MS - 1, Math.max(1, Math.floor(ms)));
}

/** Options of {@linkcode createOpenAiClient}. */
export interface OpenAiClientOptions {
  /** Server root without `/v1`, e.g. `http://127.0.0.1:1234`. */
  baseUrl: string;
  /** API key (LM Studio accepts anything unless auth is on). */
  apiKey: string;
  /** Per-request timeout in milliseconds (whole call, including streaming); clamped to the timer's range. */
  timeoutMs: number;
  /** Clock in milliseconds, injectable for tests. */
  now?: () => number;
  /** Reply size caps per `max_tokens` token (default {@linkcode DEFAULT_REPLY_LIMITS}). */
  replyLimits?: ReplyLimits;
  /** `max_tokens` assumed for the caps when a request sets none (the role's `max_completion`). */
  defaultMaxTokens?: number;
  /** Where the API key is set, named by auth-failure messages. */
  keyHint?: string;
  /** Injectable fetch (tests). */
  fetch?: typeof fetch;
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
  const fetchFn = options.fetch ?? fetch;
  const timeoutMs = clampTimeoutMs(options.timeoutMs);
  const limits = options.replyLimits ?? DEFAULT_REPLY_LIMITS;
  const root = v1Url(options.baseUrl);

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
    }, timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await run(controller.signal);
    } catch (err) {
      if (timedOut) {
        throw new RequestTimeoutError(
          `Request to model "${model}" timed out after ${Math.round(timeoutMs / 1000)} s`,
        );
      }
      if (signal?.aborted) throw new InterruptedError();
      throw classifyError(err, model);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  function post(path: string, body: unknown, signal: AbortSignal): Promise<Response> {
    return fetchFn(`${root}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        authorization: `Bearer ${options.apiKey}`,
      },
      body: JSON.stringify(body),
      signal,
    });
  }

  async function complete(
    req: ChatRequest,
    signal: AbortSignal,
    onProgress?: CallOptions["onProgress"],
    onText?: CallOptions["onText"],
  ): Promise<AssembledAnswer> {
    const ctx: ReplyContext = {
      model: req.model,
      role: req.role,
      ...(options.keyHint ? { keyHint: options.keyHint } : {}),
    };
    const caps = replyCaps(req.max_tokens ?? options.defaultMaxTokens, limits);
    const body = req.stream
      ? { ...requestBody(req), stream: true, stream_options: { include_usage: true } }
      : requestBody(req);
    const response = await post("/chat/completions", body, signal);
    if (!response.ok) return await failedReply(response, ctx);
    return req.stream
      ? await readStreamReply(response, caps, ctx, onProgress, signal, onText)
      : await readWholeReply(response, caps, ctx, "", signal);
  }

  return {
    async chat(req: ChatRequest, opts?: CallOptions): Promise<ChatResult> {
      const started = now();
      const answer = await withDeadline(
        opts?.signal,
        req.model,
        (signal) => complete(req, signal, opts?.onProgress, opts?.onText),
      );
      requireAnswer(answer, req.model);
      return { ...answer, seconds: (now() - started) / 1000 };
    },

    embed(model: string, texts: string[], signal?: AbortSignal): Promise<number[][]> {
      return withDeadline(signal, model, async (inner) => {
        const response = await post(
          "/embeddings",
          { model, input: texts, encoding_format: "float" },
          inner,
        );
        const ctx: ReplyContext = { model, role: "embedder" };
        if (!response.ok) return await failedReply(response, ctx);
        const cap = 1024 * 1024 + texts.length * 512 * 1024;
        const text = await readCapped(response.body, cap, `Embeddings of "${model}"`, false, inner);
        let reply: { data?: { index?: number; embedding?: unknown }[] };
        try {
          reply = JSON.parse(text);
        } catch {
          throw new MalformedResponseError(
            `Embedding reply of model "${model}" is not JSON: ${JSON.stringify(text.slice(0, 80))}`,
          );
        }
        const rows = Array.isArray(reply?.data) ? [...reply.data] : [];
        rows.sort((a, b) => Number(a.index ?? 0) - Number(b.index ?? 0));
        if (rows.length !== texts.length || rows.some((r) => !Array.isArray(r.embedding))) {
          throw new MalformedResponseError(
            `Embedding model "${model}" returned ${rows.length} vectors for ${texts.length} texts`,
          );
        }
        return rows.map((row) => (row.embedding as unknown[]).map(Number));
      });
    },
  };
}
