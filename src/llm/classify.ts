/**
 * The failure classifier: turns what a model server (or a proxy in front of
 * it) sent back into a typed {@linkcode LlmError}, by meaning rather than by
 * status code alone. Re-exported by `errors.ts`.
 *
 * @module
 */
import { InterruptedError } from "../errors.ts";
import {
  AuthError,
  BadRequestError,
  BusyError,
  ContextOverflowError,
  GuardrailRefusalError,
  InvalidRequestError,
  LlmError,
  MalformedResponseError,
  ModelCrashedError,
  ModelNotFoundError,
  ModelNotLoadedError,
  ServerError,
  ServerUnreachableError,
} from "./errors.ts";

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

/**
 * llama.cpp's shared KV cache filled by other slots during generation: a
 * transient capacity problem (the prompt itself fit), reported as a 500.
 */
const KV_FULL =
  /context size has been exceeded|failed to find (a )?free space in the kv cache|no free slots?|kv cache is full/i;

/** The chat template could not read the history: the request's content is at fault. */
const TEMPLATE_REJECTS =
  /failed to parse tool call arguments|failed to parse (the )?(tool call|function call|arguments)|parse_error\.\d+/i;

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

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}

function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}

/**
 * The human part of an error body, once: `error.message`, `error` (a
 * string), `message` or `detail` of a JSON body; the `<title>` (or the text)
 * of an HTML page; else the text itself. One line, at most 300 characters.
 */
export function serverMessage(text: string): string {
  const trimmed = text.trim();
  if (/^[{[]/.test(trimmed)) {
    try {
      const body = asRecord(JSON.parse(trimmed));
      const error = body?.error;
      const nested = asRecord(error);
      const found = [nested?.message, error, body?.message, body?.detail].find((v) =>
        typeof v === "string" && v.trim()
      );
      if (typeof found === "string") return oneLine(found);
    } catch {
      // not JSON after all: fall through
    }
  }
  if (/^<(!doctype|html|head|body)/i.test(trimmed)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1];
    const bare = title?.trim() || trimmed.replace(/<[^>]*>/g, " ");
    return oneLine(`an HTML page: ${bare}`);
  }
  return oneLine(trimmed || "(empty body)");
}

/** What is known about a failed HTTP exchange. */
export interface FailureInfo {
  /** HTTP status, if a response arrived. */
  status?: number;
  /** Error text: the body or the message (JSON is fine, it is searched as text). */
  text: string;
  /** The model the request named, for messages. */
  model?: string;
  /** The role that made the request, so fixes can name `models.<role>.*`. */
  role?: string;
  /** Where the API key is set, for auth failures (default: every place LAO reads it). */
  keyHint?: string;
}

const DEFAULT_KEY_HINT = "openai_api_key in factory.yaml, OPENAI_API_KEY, or models.<role>.api_key";

function overflow(info: FailureInfo, said: string, about: string): ContextOverflowError {
  const [prompt, ctx] = overflowNumbers(info.text);
  const setting = `models.${info.role ?? "<role>"}.context_length`;
  const size = prompt !== undefined ? `Prompt of ${prompt} tokens` : "Prompt";
  const window = ctx !== undefined ? `the ${ctx}-token context` : "the loaded context";
  const fix = ctx !== undefined
    ? `set ${setting} to at most ${ctx} (what the server has loaded) or load the model with a larger context`
    : `set ${setting} to the server's loaded context or load the model with a larger one`;
  return new ContextOverflowError(
    `${size} does not fit ${window}${about} (server: ${said}): ${fix}`,
    info.status,
    prompt,
    ctx,
  );
}

/** Maps an HTTP failure from any supported server (or a proxy) to a typed error. */
export function classifyFailure(info: FailureInfo): LlmError {
  const { status, text } = info;
  const said = serverMessage(text);
  const about = info.model ? ` for model "${info.model}"` : "";
  if (status === 401 || status === 403) {
    return new AuthError(
      `The model server refused the API key (${status}${about}: ${said}): check the API key (${
        info.keyHint ?? DEFAULT_KEY_HINT
      })`,
      status,
    );
  }
  if (TEMPLATE_REJECTS.test(text)) {
    return new InvalidRequestError(
      `The server cannot read this conversation${about}: a tool call's arguments are not valid JSON (${said})`,
      status,
    );
  }
  if (status !== undefined && status >= 500 && KV_FULL.test(text)) {
    return new BusyError(
      `The server's shared context cache is full${about} (other requests are using it): ${said}`,
      status,
    );
  }
  if (OVERFLOW.some((re) => re.test(text))) return overflow(info, said, about);
  if (/insufficient system resources|model loading guardrails|model_load_failed/i.test(text)) {
    return new GuardrailRefusalError(`Model load refused${about}: ${said}`, status);
  }
  if (/has crashed|exit code:/i.test(text)) {
    return new ModelCrashedError(`Model crashed${about}: ${said}`, status);
  }
  if (/no models loaded/i.test(text)) {
    return new ModelNotLoadedError(`Model is not loaded${about}: ${said}`, status);
  }
  if (
    /invalid model identifier|model_not_found|not found, try pulling|model .{0,200} not found/i
      .test(text) || status === 404
  ) {
    return new ModelNotFoundError(`Model not found${about}: ${said}`, status);
  }
  if (
    status === 429 || status === 503 ||
    /server busy|loading model|model is loading|unavailable_error/i.test(text)
  ) {
    return new BusyError(`Server is busy${about}: ${said}`, status);
  }
  if (status !== undefined && status >= 500) {
    return new ServerError(`Server error ${status}${about}: ${said}`, status);
  }
  if (status !== undefined && status >= 400) {
    return new BadRequestError(`Request rejected (${status})${about}: ${said}`, status);
  }
  return new MalformedResponseError(`Unexpected server reply${about}: ${said}`);
}

function isConnectionText(text: string): boolean {
  return /connection|refused|reset|econn|network|tcp connect|error sending request|body from connection|terminated|unexpected eof/i
    .test(text);
}

/**
 * Turns anything thrown while talking to a server (fetch `TypeError`s, JSON
 * `SyntaxError`s) into an {@linkcode LlmError}; an abort becomes an
 * {@linkcode InterruptedError}, and an already-classified error passes through.
 */
export function classifyError(err: unknown): LlmError | InterruptedError {
  if (err instanceof LlmError || err instanceof InterruptedError) return err;
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
    return new ServerUnreachableError(`Connection to the model server failed: ${oneLine(text)}`);
  }
  return new MalformedResponseError(
    `Unexpected failure talking to the model server: ${oneLine(text)}`,
  );
}
