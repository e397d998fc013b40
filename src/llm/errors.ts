/**
 * The typed failures of every model server (LM Studio, Ollama, llama.cpp,
 * generic OpenAI-compatible); `classify.ts` turns a raw failure into one. Each
 * failure is a typed {@linkcode LlmError} that says whether it is an infrastructure problem
 * (server down, load refused, crash: the task is not to blame and must not
 * lose an attempt) and whether retrying can help.
 *
 * @module
 */

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
  | "bad_request"
  | "auth_failed"
  | "invalid_request"
  | "reply_too_large";

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
  // Broken transport (cut streams, garbage SSE, HTML pages): the server's fault, never the task's.
  malformed_response: { infrastructure: true, retryable: true },
  empty_answer: { infrastructure: false, retryable: true },
  bad_request: { infrastructure: false, retryable: false },
  // A wrong API key: the setup's fault; retrying the same key cannot help.
  auth_failed: { infrastructure: true, retryable: false },
  // The server rejects this request's content every time (e.g. invalid tool-call arguments).
  invalid_request: { infrastructure: false, retryable: false },
  // A reply past the size cap or past max_tokens: a misbehaving server.
  reply_too_large: { infrastructure: true, retryable: true },
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

/** 401/403: the server answered, but refused the API key. */
export class AuthError extends LlmError {
  /** Creates the error. */
  constructor(message: string, status?: number) {
    super("auth_failed", message, status);
    this.name = "AuthError";
  }
}

/**
 * The server rejects this request's content deterministically (llama.cpp's
 * "Failed to parse tool call arguments as JSON", or the same 5xx for the
 * same body within milliseconds while a minimal request succeeds): the
 * request must change, so it is not an outage and retrying it as-is is pointless.
 */
export class InvalidRequestError extends LlmError {
  /** Creates the error. */
  constructor(message: string, status?: number) {
    super("invalid_request", message, status);
    this.name = "InvalidRequestError";
  }
}

/** The reply grew past its size cap or past `max_tokens` (a runaway or never-ending stream). */
export class ReplyTooLargeError extends LlmError {
  /** Creates the error. */
  constructor(message: string) {
    super("reply_too_large", message);
    this.name = "ReplyTooLargeError";
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
