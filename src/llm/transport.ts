/**
 * Reading a model server's reply off the wire with bounded memory: SSE
 * streams and whole JSON bodies, each capped in bytes (derived from the
 * request's `max_tokens`), and every broken shape — a stream cut before its
 * finish reason, garbage SSE, malformed JSON chunks, an HTML page with
 * status 200, a reply past its cap or past `max_tokens` — classified as an
 * infrastructure {@linkcode LlmError} (the task is never to blame).
 *
 * @module
 */
import {
  applyChunk,
  assembleCompletion,
  type AssembledAnswer,
  finishStream,
  newStreamState,
  type StreamState,
} from "./assemble.ts";
import { classifyFailure } from "./classify.ts";
import { MalformedResponseError, ReplyTooLargeError } from "./errors.ts";
import type { StreamProgress } from "./types.ts";

/** How big a reply may grow, per completion token. */
export interface ReplyLimits {
  /** Characters of answer (content, reasoning, tool arguments) per `max_tokens` token. */
  bytesPerToken: number;
  /** Characters allowed on top of that. */
  slackBytes: number;
}

/** Defaults: 16 characters per token (a token is about 4) plus 64 KiB. */
export const DEFAULT_REPLY_LIMITS: ReplyLimits = { bytesPerToken: 16, slackBytes: 64 * 1024 };

/** `max_tokens` assumed when a request sets none. */
export const DEFAULT_MAX_TOKENS = 32_768;

/** The caps of one reply. */
export interface ReplyCaps {
  /** The request's completion budget. */
  maxTokens: number;
  /** Characters of answer the reply may carry. */
  answerChars: number;
  /** Bytes on the wire (answer plus SSE envelopes of about 1 KiB per event at most). */
  wireBytes: number;
  /** SSE events carrying text: a server sends at most one per token; twice that plus slack. */
  textEvents: number;
  /** SSE events of any kind. */
  events: number;
}

/** Derives a reply's caps from its `max_tokens`. */
export function replyCaps(
  maxTokens: number | undefined,
  limits: ReplyLimits = DEFAULT_REPLY_LIMITS,
): ReplyCaps {
  const tokens = Math.max(1, Math.floor(maxTokens ?? DEFAULT_MAX_TOKENS));
  const answerChars = tokens * limits.bytesPerToken + limits.slackBytes;
  return {
    maxTokens: tokens,
    answerChars,
    wireBytes: answerChars + (tokens + 1024) * 1024,
    textEvents: tokens * 2 + 256,
    events: tokens * 4 + 1024,
  };
}

/** Who asked, for messages and classification. */
export interface ReplyContext {
  /** Model id of the request. */
  model: string;
  /** Role of the request. */
  role?: string;
  /** Where the API key is set (auth failures). */
  keyHint?: string;
}

/** Error bodies are read up to this many bytes (the rest is dropped, not an error). */
export const ERROR_BODY_BYTES = 64 * 1024;

const decoder = () => new TextDecoder("utf-8", { fatal: false });

/**
 * Reads a body as text up to `maxBytes`. Past the cap it stops reading
 * (cancelling the body) and either throws {@linkcode ReplyTooLargeError} or,
 * with `truncate`, returns what it has.
 */
export async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  what: string,
  truncate = false,
  signal?: AbortSignal,
): Promise<string> {
  if (!body) return "";
  const reader = body.getReader();
  const stop = stopOnAbort(reader, signal);
  const text = decoder();
  let out = "";
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > maxBytes) {
        const keep = value.byteLength - (bytes - maxBytes);
        out += text.decode(value.subarray(0, Math.max(0, keep)));
        await reader.cancel().catch(() => {});
        if (truncate) return out;
        throw new ReplyTooLargeError(`${what} is larger than its ${maxBytes}-byte cap`);
      }
      out += text.decode(value, { stream: true });
    }
    return out + text.decode();
  } finally {
    stop();
    reader.releaseLock();
  }
}

/** Cancels `reader` when `signal` aborts (a body that ignores the fetch signal still stops). */
function stopOnAbort(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  signal: AbortSignal | undefined,
): () => void {
  if (!signal) return () => {};
  const onAbort = () => void reader.cancel().catch(() => {});
  if (signal.aborted) onAbort();
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}

/** Classifies a non-2xx response from its (capped) body. */
export async function failedReply(response: Response, ctx: ReplyContext): Promise<never> {
  const text = await readCapped(response.body, ERROR_BODY_BYTES, "error body", true)
    .catch(() => "");
  throw classifyFailure({ status: response.status, text, ...ctx });
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}

/** An `{"error": ...}` payload inside a 200 reply (LM Studio SSE errors, llama.cpp mid-stream). */
function errorPayload(body: unknown, raw: string, ctx: ReplyContext): Error | undefined {
  const record = asRecord(body);
  if (!record || record.error === undefined || record.choices !== undefined) return undefined;
  const code = Number(asRecord(record.error)?.code);
  const status = Number.isInteger(code) && code >= 400 && code < 600 ? code : undefined;
  return classifyFailure({ status, text: raw, ...ctx });
}

function notAReply(text: string, ctx: ReplyContext, why: string): MalformedResponseError {
  const head = text.trim().slice(0, 2000);
  const shown = /^<(!doctype|html|head|body)/i.test(head)
    ? `an HTML page (${
      /<title[^>]*>([^<]*)<\/title>/i.exec(head)?.[1]?.trim() || "no title"
    }) instead of a model reply: a proxy or another program answered`
    : `${why}: ${JSON.stringify(head.slice(0, 120))}`;
  return new MalformedResponseError(`Server reply for model "${ctx.model}" is ${shown}`);
}

function answerSize(state: StreamState): number {
  let chars = state.content.length + state.reasoning.length;
  for (const t of state.tools.values()) chars += t.arguments.length + t.name.length;
  return chars;
}

/** Reads a whole (non-streamed) `chat.completion` body within `caps`. */
export async function readWholeReply(
  response: Response,
  caps: ReplyCaps,
  ctx: ReplyContext,
  prefix = "",
  signal?: AbortSignal,
): Promise<AssembledAnswer> {
  const text = prefix +
    await readCapped(
      response.body,
      caps.wireBytes - prefix.length,
      `Reply of "${ctx.model}"`,
      false,
      signal,
    );
  return parseWholeReply(text, caps, ctx);
}

/** Parses a whole `chat.completion` body (already read) within `caps`. */
export function parseWholeReply(text: string, caps: ReplyCaps, ctx: ReplyContext): AssembledAnswer {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw notAReply(text, ctx, "not valid JSON");
  }
  const failure = errorPayload(body, text, ctx);
  if (failure) throw failure;
  let answer: AssembledAnswer;
  try {
    answer = assembleCompletion(body);
  } catch {
    throw notAReply(text, ctx, "JSON without choices[0].message");
  }
  let chars = answer.content.length + answer.reasoning.length;
  for (const call of answer.toolCalls) chars += call.arguments.length;
  if (chars > caps.answerChars) {
    throw new ReplyTooLargeError(
      `Reply of model "${ctx.model}" carries ${chars} characters, over its cap of ${caps.answerChars} for max_tokens=${caps.maxTokens}`,
    );
  }
  return answer;
}

const SSE_FIELD = /^(data|event|id|retry)(:|$)/;

/**
 * Reads an SSE chat stream within `caps`. Each `data:` line is one chunk;
 * `data: [DONE]` ends it. A body that is not SSE (JSON from a server that
 * ignored `stream`, an HTML page, garbage) is handled or classified.
 */
export async function readStreamReply(
  response: Response,
  caps: ReplyCaps,
  ctx: ReplyContext,
  onProgress?: (progress: StreamProgress) => void,
  signal?: AbortSignal,
  onText?: (delta: string) => void,
): Promise<AssembledAnswer> {
  if (!response.body) throw new MalformedResponseError(`Empty reply from model "${ctx.model}"`);
  const reader = response.body.getReader();
  const stop = stopOnAbort(reader, signal);
  const text = decoder();
  const state = newStreamState();
  let buffer = "";
  let scanned = 0;
  let bytes = 0;
  let events = 0;
  let textEvents = 0;
  let eventName = "";
  let sawLine = false;
  let done = false;

  const handleData = (data: string) => {
    if (data.trim() === "[DONE]") {
      done = true;
      return;
    }
    events++;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      if (eventName === "error") throw classifyFailure({ text: data, ...ctx });
      throw new MalformedResponseError(
        `Stream from model "${ctx.model}" carried a garbled chunk: ${
          JSON.stringify(data.slice(0, 120))
        }`,
      );
    }
    const failure = eventName === "error"
      ? classifyFailure({ text: data, ...ctx })
      : errorPayload(chunk, data, ctx);
    if (failure) throw failure;
    const before = answerSize(state);
    const contentBefore = state.content.length;
    applyChunk(state, chunk);
    const size = answerSize(state);
    if (size > before) textEvents++;
    if (size > caps.answerChars) {
      throw new ReplyTooLargeError(
        `Stream from model "${ctx.model}" grew past its cap of ${caps.answerChars} characters for max_tokens=${caps.maxTokens}`,
      );
    }
    if (textEvents > caps.textEvents || events > caps.events) {
      throw new ReplyTooLargeError(
        `Stream from model "${ctx.model}" ran past max_tokens=${caps.maxTokens} (${textEvents} text chunks) without finishing`,
      );
    }
    if (size > before) onProgress?.({ chars: size });
    if (state.content.length > contentBefore) onText?.(state.content.slice(contentBefore));
  };

  const handleLine = (raw: string) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "") {
      eventName = "";
      return;
    }
    if (line.startsWith(":")) return;
    if (!SSE_FIELD.test(line)) {
      throw notAReply(line, ctx, "not an SSE stream");
    }
    sawLine = true;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") eventName = value.trim();
    else if (field === "data") handleData(value);
  };

  try {
    while (!done) {
      const { done: ended, value } = await reader.read();
      if (ended) break;
      bytes += value.byteLength;
      if (bytes > caps.wireBytes) {
        throw new ReplyTooLargeError(
          `Stream from model "${ctx.model}" is larger than its ${caps.wireBytes}-byte cap for max_tokens=${caps.maxTokens}`,
        );
      }
      buffer += text.decode(value, { stream: true });
      if (!sawLine && events === 0) {
        const head = buffer.trimStart();
        if (head.startsWith("{") || head.startsWith("[")) {
          // A server that ignored `stream: true` (or a JSON error with status 200).
          stop();
          reader.releaseLock();
          return await readWholeReply(response, caps, ctx, buffer, signal);
        }
        if (head.startsWith("<")) throw notAReply(buffer, ctx, "not an SSE stream");
      }
      for (;;) {
        const nl = buffer.indexOf("\n", scanned);
        if (nl === -1) {
          scanned = buffer.length;
          if (buffer.length > caps.answerChars + 64 * 1024) {
            throw new ReplyTooLargeError(
              `Stream from model "${ctx.model}" sent a line longer than its cap of ${caps.answerChars} characters`,
            );
          }
          break;
        }
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        scanned = 0;
        handleLine(line);
        if (done) break;
      }
    }
    if (!done && buffer.trim()) handleLine(buffer);
  } finally {
    stop();
    await reader.cancel().catch(() => {});
  }
  if (signal?.aborted) throw new MalformedResponseError(`Reading the reply was aborted`);
  if (state.finishReason === null) {
    if (!sawLine && events === 0) throw notAReply(buffer, ctx, "an empty or non-SSE body");
    throw new MalformedResponseError(
      `Stream from model "${ctx.model}" ended before its finish reason (connection closed mid-reply)`,
    );
  }
  return finishStream(state);
}
