/**
 * Token budgeting: a cl100k estimate (gpt-tokenizer, loaded lazily on first
 * use), a per-model calibration factor learned from the server's
 * `usage.prompt_tokens`, optional server-side counting (llama.cpp
 * `/tokenize`), and one `fits()` check.
 *
 * @module
 */
import type { RoleConfig } from "../config/schema.ts";
import type { ChatMessage, ToolDefinition } from "./types.ts";

/** Counts tokens of one text. */
export type TokenCounter = (text: string) => number;

let counter: Promise<TokenCounter> | undefined;

/**
 * Loads the cl100k encoder once (dynamic import, only when first needed).
 * gpt-tokenizer gives the same counts as js-tiktoken (checked over the
 * repository's texts) and is ready in about a tenth of the time, which every
 * `lao run` pays before its first request. Special-token texts such as
 * `<|endoftext|>` count as plain text: a plan or a file may contain them.
 */
export function cl100k(): Promise<TokenCounter> {
  counter ??= import("gpt-tokenizer/encoding/cl100k_base").then(({ encode }) => {
    const plain = { disallowedSpecial: new Set<string>() };
    return memoized((text: string) => countApart(text, (rest) => encode(rest, plain).length));
  });
  return counter;
}

/** Texts shorter than this are counted again (a lookup would cost about as much). */
const MEMO_MIN_CHARS = 256;
const MEMO_LIMIT = 512;

/**
 * `count` with a memo of the last {@linkcode MEMO_LIMIT} long texts: a
 * transcript grows by appending, so the system prompt, the tool schemas and
 * every earlier message are asked for again on each round of a tool loop.
 */
export function memoized(count: TokenCounter): TokenCounter {
  const memo = new Map<string, number>();
  return (text) => {
    if (text.length < MEMO_MIN_CHARS) return count(text);
    const hit = memo.get(text);
    if (hit !== undefined) {
      memo.delete(text);
      memo.set(text, hit);
      return hit;
    }
    const n = count(text);
    if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
    memo.set(text, n);
    return n;
  };
}

/**
 * Runs the encoder would take quadratic time on: long letter runs, long
 * punctuation runs (a line of `>` or `=`), long whitespace. Each is one
 * pre-tokenizer piece that byte-pair encoding merges pairwise.
 */
const LONG_RUN = /[\p{L}\p{M}]{24,}|[^\s\p{L}\p{M}\p{N}]{16,}|\s{64,}/gu;

const utf8 = new TextEncoder();

/**
 * Counts `text` with `encode`, except that long runs (see `LONG_RUN`) are
 * estimated at one token per three UTF-8 bytes (more than cl100k gives them,
 * so budgets stay safe) instead of being encoded: a model's 200 KB line of
 * `=` or a minified file then costs linear time, not minutes.
 */
export function countApart(text: string, encode: TokenCounter): number {
  let runs = 0;
  const rest = text.replace(LONG_RUN, (run) => {
    runs += Math.ceil(utf8.encode(run).length / 3);
    return " ";
  });
  return (rest.trim() === "" ? 0 : encode(rest)) + runs;
}

/** Per-message template overhead (role markers). */
export const MESSAGE_OVERHEAD = 4;

/** Estimates prompt tokens: Σ (4 + tokens(content + tool calls)) + tool schemas. */
export function estimateMessages(
  count: TokenCounter,
  messages: readonly ChatMessage[],
  tools: readonly ToolDefinition[] = [],
): number {
  let total = 0;
  for (const message of messages) {
    total += MESSAGE_OVERHEAD + count(message.content ?? "");
    if (message.role === "assistant") {
      for (const call of message.tool_calls ?? []) {
        total += count(call.function.name) + count(call.function.arguments);
      }
    }
  }
  if (tools.length) total += count(JSON.stringify(tools));
  return total;
}

/** Learns `actual / estimate` per model (exponential moving average, never below 1). */
export class TokenCalibration {
  #factors = new Map<string, number>();
  #default: number;

  /** Creates a calibration; `defaultFactor` applies to unseen models (default 1.1). */
  constructor(defaultFactor = 1.1) {
    this.#default = defaultFactor;
  }

  /** Records a server's prompt token count for an estimate. */
  observe(model: string, estimate: number, actual: number): void {
    if (estimate <= 0 || actual <= 0) return;
    const ratio = Math.max(1, actual / estimate);
    const old = this.#factors.get(model);
    this.#factors.set(model, old === undefined ? ratio : old * 0.7 + ratio * 0.3);
  }

  /** The factor for `model`. */
  factor(model: string): number {
    return this.#factors.get(model) ?? this.#default;
  }
}

/** Counts tokens server-side with llama.cpp's `POST /tokenize`; `undefined` if unavailable. */
export async function countWithServer(
  root: string,
  text: string,
  fetchFn: typeof fetch = fetch,
  apiKey?: string,
): Promise<number | undefined> {
  try {
    const headers: Record<string, string> = { "content-type": "application/json" };
    // llama-server --api-key protects /tokenize too (only /health is public).
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    const response = await fetchFn(`${root.replace(/\/+$/, "")}/tokenize`, {
      method: "POST",
      headers,
      body: JSON.stringify({ content: text, add_special: false, parse_special: true }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    const body = await response.json() as { tokens?: unknown };
    return Array.isArray(body.tokens) ? body.tokens.length : undefined;
  } catch {
    return undefined;
  }
}

/** Result of {@linkcode fits}. */
export interface FitResult {
  /** True when the prompt plus reserve fits the role's context. */
  fits: boolean;
  /** Calibrated prompt token estimate. */
  promptTokens: number;
  /** Tokens available for the prompt (context − reserve). */
  available: number;
}

/** Options of {@linkcode fits}. */
export interface FitOptions {
  /** Tool schemas sent with the prompt. */
  tools?: readonly ToolDefinition[];
  /** Calibration to apply (default factor 1.1). */
  calibration?: TokenCalibration;
  /** Counter override (tests; default cl100k). */
  count?: TokenCounter;
}

/** Checks whether `messages` fit `role`'s context with `completionReserve` tokens left. */
export async function fits(
  role: Pick<RoleConfig, "key" | "context_length">,
  messages: readonly ChatMessage[],
  completionReserve: number,
  options: FitOptions = {},
): Promise<FitResult> {
  const count = options.count ?? await cl100k();
  const raw = estimateMessages(count, messages, options.tools);
  const factor = (options.calibration ?? new TokenCalibration()).factor(role.key);
  const promptTokens = Math.ceil(raw * factor);
  const available = role.context_length - completionReserve;
  return { fits: promptTokens <= available, promptTokens, available };
}
