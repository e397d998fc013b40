/**
 * The real {@linkcode LlmClient}: plain `fetch` against a local server's
 * `<root>/v1` (OpenAI-compatible chat and embeddings), with a per-request
 * timeout that also covers stalled and never-ending streams, replies read
 * with bounded memory (see `transport.ts`), and every failure classified
 * into a typed `LlmError`.
 *
 * @module
 */
import type { AssembledAnswer } from "./assemble.ts";
import { withDeadline } from "./deadline.ts";
import { parseEmbeddingReply } from "./embedding_reply.ts";
import { EmptyAnswerError } from "./errors.ts";
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

/** What one client's requests share. */
interface Server {
  options: OpenAiClientOptions;
  fetch: typeof fetch;
  timeoutMs: number;
  limits: ReplyLimits;
  /** `<root>/v1`. */
  root: string;
}

function post(s: Server, path: string, body: unknown, signal: AbortSignal): Promise<Response> {
  return s.fetch(`${s.root}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      authorization: `Bearer ${s.options.apiKey}`,
    },
    body: JSON.stringify(body),
    signal,
  });
}

/** One chat completion, streamed or whole, read within the reply caps. */
async function complete(
  s: Server,
  req: ChatRequest,
  signal: AbortSignal,
  opts?: CallOptions,
): Promise<AssembledAnswer> {
  const ctx: ReplyContext = {
    model: req.model,
    role: req.role,
    ...(s.options.keyHint ? { keyHint: s.options.keyHint } : {}),
  };
  const caps = replyCaps(req.max_tokens ?? s.options.defaultMaxTokens, s.limits);
  const body = req.stream
    ? { ...requestBody(req), stream: true, stream_options: { include_usage: true } }
    : requestBody(req);
  const response = await post(s, "/chat/completions", body, signal);
  if (!response.ok) return await failedReply(response, ctx);
  return req.stream
    ? await readStreamReply(response, caps, ctx, opts?.onProgress, signal, opts?.onText)
    : await readWholeReply(response, caps, ctx, "", signal);
}

/** One `/embeddings` request for `texts`. */
async function embed(
  s: Server,
  model: string,
  texts: string[],
  signal: AbortSignal,
): Promise<number[][]> {
  const response = await post(
    s,
    "/embeddings",
    { model, input: texts, encoding_format: "float" },
    signal,
  );
  const ctx: ReplyContext = { model, role: "embedder" };
  if (!response.ok) return await failedReply(response, ctx);
  const cap = 1024 * 1024 + texts.length * 512 * 1024;
  const text = await readCapped(response.body, cap, `Embeddings of "${model}"`, false, signal);
  return parseEmbeddingReply(text, model, texts.length);
}

/** Creates a client for one server. */
export function createOpenAiClient(options: OpenAiClientOptions): LlmClient {
  const now = options.now ?? (() => performance.now());
  const s: Server = {
    options,
    fetch: options.fetch ?? fetch,
    timeoutMs: clampTimeoutMs(options.timeoutMs),
    limits: options.replyLimits ?? DEFAULT_REPLY_LIMITS,
    root: v1Url(options.baseUrl),
  };
  return {
    async chat(req: ChatRequest, opts?: CallOptions): Promise<ChatResult> {
      const started = now();
      const answer = await withDeadline(
        s.timeoutMs,
        opts?.signal,
        req.model,
        (signal) => complete(s, req, signal, opts),
      );
      requireAnswer(answer, req.model);
      return { ...answer, seconds: (now() - started) / 1000 };
    },
    embed: (model, texts, signal) =>
      withDeadline(s.timeoutMs, signal, model, (inner) => embed(s, model, texts, inner)),
  };
}
