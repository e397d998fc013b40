/**
 * One classifier for every model server's failures (LM Studio, Ollama,
 * llama.cpp, generic OpenAI-compatible). Each failure becomes a typed
 * {@linkcode LlmError} that says whether it is an infrastructure problem
 * (server down, load refused, crash: the task is not to blame and must not
 * lose an attempt) and whether retrying can help.
 *
 * @module
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { InterruptedError } from "../errors.ts";

/** Every failure kind. */
export type LlmErrorKind =
  | "server_unreachable"
  | "timeout"
  | "model_not_found"
  | "model_not_loaded"
  | "context_overflow"
  | "guardrail_refusal"
  | "model_crashed"
  | "busy"
  | "server_error"
  | "malformed_response"
  | "empty_answer"
  | "bad_request";

const TRAITS: Record<LlmErrorKind, { infrastructure: boolean; retryable: boolean }> = {
  server_unreachable: { infrastructure: true, retryable: true },
  timeout: { infrastructure: true, retryable: true },
  model_not_found: { infrastructure: true, retryable: false },
  model_not_loaded: { infrastructure: true, retryable: false },
  context_overflow: { infrastructure: false, retryable: false },
  guardrail_refusal: { infrastructure: true, retryable: false },
  model_crashed: { infrastructure: true, retryable: true },
  busy: { infrastructure: true, retryable: true },
  server_error: { infrastructure: true, retryable: true },
  malformed_response: { infrastructure: false, retryable: true },
  empty_answer: { infrastructure: false, retryable: true },
  bad_request: { infrastructure: false, retryable: false },
};

/** Base class of every classified model-server failure. */
export class LlmError extends Error {
  /** What went wrong. */
  readonly kind: LlmErrorKind;
  /** True when the server, not the task, is at fault (do not burn a task attempt). */
  readonly infrastructure: boolean;
  /** True when the same request may succeed if retried. */
  readonly retryable: boolean;
  /** HTTP status, when there was one. */
  readonly status: number | undefined;

  /** Creates an error of `kind`. */
  constructor(kind: LlmErrorKind, message: string, status?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "LlmError";
    this.kind = kind;
    this.infrastructure = TRAITS[kind].infrastructure;
    this.retryable = TRAITS[kind].retryable;
    this.status = status;
  }
}

/** The server cannot be reached (connection refused or reset). */
export class ServerUnreachableError extends LlmError {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super("server_unreachable", message, undefined, options);
    this.name = "ServerUnreachableError";
  }
}

/** The request took longer than its timeout. */
export class RequestTimeoutError extends LlmError {
  /** Creates the error. */
  constructor(message: string) {
    super("timeout", message);
    this.name = "RequestTimeoutError";
  }
}

/** The server does not know the model id. */
export class ModelNotFoundError extends LlmError {
  /** Creates the error. */
  constructor(message: string, status?: number) {
    super("model_not_found", message, status);
    this.name = "ModelNotFoundError";
  }
}

/** The model exists but is not loaded (and JIT loading is off or failed). */
export class ModelNotLoadedError extends LlmError {
  /** Creates the error. */
  constructor(message: string, status?: number) {
    super("model_not_loaded", message, status);
    this.name = "ModelNotLoadedError";
  }
}

/** The prompt does not fit the loaded context window. */
export class ContextOverflowError extends LlmError {
  /** Prompt tokens, when the server said. */
  readonly promptTokens: number | undefined;
  /** Loaded context length, when the server said. */
  readonly contextLength: number | undefined;

  /** Creates the error. */
  constructor(message: string, status?: number, promptTokens?: number, contextLength?: number) {
    super("context_overflow", message, status);
    this.name = "ContextOverflowError";
    this.promptTokens = promptTokens;
    this.contextLength = contextLength;
  }
}

/** LM Studio's model loading guardrails refused the load. */
export class GuardrailRefusalError extends LlmError {
  /** Creates the error. */
  constructor(message: string, status?: number) {
    super("guardrail_refusal", message, status);
    this.name = "GuardrailRefusalError";
  }
}

/** The inference engine crashed. */
export class ModelCrashedError extends LlmError {
  /** Creates the error. */
  constructor(message: string, status?: number) {
    super("model_crashed", message, status);
    this.name = "ModelCrashedError";
  }
}

/** The server is busy, loading, or rate limiting. */
export class BusyError extends LlmError {
  /** Creates the error. */
  constructor(message: string, status?: number) {
    super("busy", message, status);
    this.name = "BusyError";
  }
}

/** Any other 5xx. */
export class ServerError extends LlmError {
  /** Creates the error. */
  constructor(message: string, status?: number) {
    super("server_error", message, status);
    this.name = "ServerError";
  }
}

/** The response could not be parsed, or a stream ended early. */
export class MalformedResponseError extends LlmError {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super("malformed_response", message, undefined, options);
    this.name = "MalformedResponseError";
  }
}

/** The model produced no answer (reasoning only, or nothing at all). */
export class EmptyAnswerError extends LlmError {
  /** The reasoning the model did produce. */
  readonly reasoning: string;

  /** Creates the error. */
  constructor(message: string, reasoning = "") {
    super("empty_answer", message);
    this.name = "EmptyAnswerError";
    this.reasoning = reasoning;
  }
}

/** Any other 4xx: our request was wrong. */
export class BadRequestError extends LlmError {
  /** Creates the error. */
  constructor(message: string, status?: number) {
    super("bad_request", message, status);
    this.name = "BadRequestError";
  }
}

const OVERFLOW = [
  /exceed_context_size_error/i,
  /exceeds the available context size/i,
  /context the overflows/i,
  /when context overflows/i,
  /does not fit in context length/i,
  /cannot truncate prompt with n_keep/i,
  /context size has been exceeded/i,
  /prompt is longer than the context length/i,
  /maximum context length is \d+/i,
  /larger than the max context size/i,
];

function firstNumber(text: string, patterns: RegExp[]): number | undefined {
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match?.[1]) return Number(match[1]);
  }
  return undefined;
}

function overflowNumbers(text: string): [number | undefined, number | undefined] {
  const prompt = firstNumber(text, [
    /"n_prompt_tokens":\s*(\d+)/,
    /request \((\d+) tokens\)/,
    /input has (\d+) tokens/i,
    /keep the first (\d+) tokens/i,
    /n_keep \((\d+)\)/,
  ]);
  const ctx = firstNumber(text, [
    /"n_ctx":\s*(\d+)/,
    /context size \((\d+) tokens\)/,
    /only supports (\d+) tokens/i,
    /context length of only (\d+)/i,
    /n_ctx \((\d+)\)/,
    /maximum context length is (\d+)/i,
  ]);
  return [prompt, ctx];
}

/** What is known about a failed HTTP exchange. */
export interface FailureInfo {
  /** HTTP status, if a response arrived. */
  status?: number;
  /** Error text: the body or the message (JSON is fine, it is searched as text). */
  text: string;
  /** The model the request named, for messages. */
  model?: string;
}

/** Maps an HTTP failure from any supported server to a typed error. */
export function classifyFailure(info: FailureInfo): LlmError {
  const { status, text } = info;
  const short = text.length > 500 ? `${text.slice(0, 500)}...` : text;
  const about = info.model ? ` for model "${info.model}"` : "";
  if (OVERFLOW.some((re) => re.test(text))) {
    const [prompt, ctx] = overflowNumbers(text);
    return new ContextOverflowError(
      `Prompt does not fit the context${about}: ${short}`,
      status,
      prompt,
      ctx,
    );
  }
  if (/insufficient system resources|model loading guardrails|model_load_failed/i.test(text)) {
    return new GuardrailRefusalError(`Model load refused${about}: ${short}`, status);
  }
  if (/has crashed|exit code:/i.test(text)) {
    return new ModelCrashedError(`Model crashed${about}: ${short}`, status);
  }
  if (/no models loaded/i.test(text)) {
    return new ModelNotLoadedError(`Model is not loaded${about}: ${short}`, status);
  }
  if (
    /invalid model identifier|model_not_found|not found, try pulling|model .{0,200} not found/i
      .test(text) || status === 404
  ) {
    return new ModelNotFoundError(`Model not found${about}: ${short}`, status);
  }
  if (status === 429 || status === 503 || /server busy|loading model/i.test(text)) {
    return new BusyError(`Server is busy${about}: ${short}`, status);
  }
  if (status !== undefined && status >= 500) {
    return new ServerError(`Server error ${status}${about}: ${short}`, status);
  }
  if (status !== undefined && status >= 400) {
    return new BadRequestError(`Request rejected (${status})${about}: ${short}`, status);
  }
  return new MalformedResponseError(`Unexpected server reply${about}: ${short}`);
}

function isConnectionText(text: string): boolean {
  return /connection|refused|reset|econn|network|tcp connect|error sending request|body from connection|terminated|unexpected eof/i
    .test(text);
}

/**
 * Turns anything thrown while talking to a server (openai SDK errors, fetch
 * `TypeError`s, JSON `SyntaxError`s) into an {@linkcode LlmError}. An
 * {@linkcode InterruptedError} or an already-classified error passes through.
 */
export function classifyError(err: unknown, model?: string): LlmError | InterruptedError {
  if (err instanceof LlmError || err instanceof InterruptedError) return err;
  if (err instanceof APIUserAbortError) return new InterruptedError();
  if (err instanceof APIConnectionTimeoutError) {
    return new RequestTimeoutError(`Request timed out${model ? ` for model "${model}"` : ""}`);
  }
  if (err instanceof APIConnectionError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
    return new ServerUnreachableError(`Cannot reach the model server${cause}`, { cause: err });
  }
  if (err instanceof APIError) {
    const typed = err.error && typeof err.error === "object"
      ? JSON.stringify(err.error)
      : String(err.error ?? "");
    return classifyFailure({ status: err.status, text: `${err.message} ${typed}`, model });
  }
  if (err instanceof SyntaxError) {
    return new MalformedResponseError(`Cannot parse the server reply: ${err.message}`, {
      cause: err,
    });
  }
  if (err instanceof DOMException && err.name === "AbortError") return new InterruptedError();
  const text = err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err);
  if (err instanceof TypeError && isConnectionText(text)) {
    return new ServerUnreachableError(`Cannot reach the model server: ${err.message}`, {
      cause: err,
    });
  }
  if (isConnectionText(text)) {
    return new ServerUnreachableError(`Connection to the model server failed: ${text}`);
  }
  return new MalformedResponseError(`Unexpected failure talking to the model server: ${text}`);
}
