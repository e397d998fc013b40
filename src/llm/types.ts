/**
 * The model-facing request and result shapes shared by every LLM client
 * (real, recording, replaying, retrying).
 *
 * @module
 */
import type { RoleName } from "../config/schema.ts";

/** One tool call inside an assistant message (OpenAI shape). */
export interface ToolCallMessage {
  /** Call id; LM Studio uses numeric strings. */
  id: string;
  /** Always `"function"`. */
  type: "function";
  /** Function name and JSON-string arguments. */
  function: { name: string; arguments: string };
}

/** A chat message in the OpenAI shape, including tool calls and tool results. */
export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string }
  | { role: "assistant"; content: string | null; tool_calls?: ToolCallMessage[] }
  | { role: "tool"; content: string; tool_call_id: string };

/** A JSON-schema function definition offered to the model. */
export interface ToolDefinition {
  /** Always `"function"`. */
  type: "function";
  /** Name, description and JSON schema of the parameters. */
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

/** How the model may use tools (LM Studio rejects the object form). */
export type ToolChoice = "auto" | "none" | "required";

/** Structured output request (LM Studio accepts only `json_schema` or `text`). */
export type ResponseFormat =
  | { type: "text" }
  | {
    type: "json_schema";
    json_schema: { name: string; strict?: boolean; schema: Record<string, unknown> };
  };

/** One chat completion request. */
export interface ChatRequest {
  /** The role making the call (used for routing, accounting and cassettes). */
  role: RoleName;
  /** Model id to send as `model`. */
  model: string;
  /** The conversation. */
  messages: ChatMessage[];
  /** Completion budget. */
  max_tokens?: number;
  /** Sampling temperature. */
  temperature?: number;
  /** Tools offered to the model. */
  tools?: ToolDefinition[];
  /** Tool choice. */
  tool_choice?: ToolChoice;
  /** Structured output. */
  response_format?: ResponseFormat;
  /** Stream the answer (SSE) and assemble it. */
  stream?: boolean;
}

/** A tool call the model asked for, assembled from streamed fragments. */
export interface ToolCall {
  /** Call id (to echo back in the tool result). */
  id: string;
  /** Function name. */
  name: string;
  /** Arguments as a JSON string, exactly as the model produced them. */
  arguments: string;
}

/** Token usage reported by the server (0 when the server reported none). */
export interface Usage {
  /** Prompt tokens. */
  promptTokens: number;
  /** Completion tokens. */
  completionTokens: number;
  /**
   * Prompt tokens the server had to process, i.e. not found in its prompt
   * cache, when it says so (llama.cpp `timings.prompt_n`, or prompt tokens
   * minus `usage.prompt_tokens_details.cached_tokens`); absent otherwise.
   */
  prefillTokens?: number;
}

/** The outcome of one chat completion. */
export interface ChatResult {
  /** Answer text with any reasoning removed. */
  content: string;
  /** Reasoning text (from `reasoning_content`, `reasoning` or inline `<think>`), `""` if none. */
  reasoning: string;
  /** Tool calls requested by the model. */
  toolCalls: ToolCall[];
  /** `stop`, `length`, `tool_calls`, ... or `null` if the server sent none. */
  finishReason: string | null;
  /** Token usage. */
  usage: Usage;
  /** Wall-clock seconds the call took. */
  seconds: number;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call; the client then throws `InterruptedError`. */
  signal?: AbortSignal;
  /** Called as a streamed answer grows (streamed requests only). */
  onProgress?: (progress: StreamProgress) => void;
  /** Called with each new piece of answer text as it arrives (streamed requests only; raw, `<think>` included). */
  onText?: (delta: string) => void;
}

/** How far a streamed answer has come. */
export interface StreamProgress {
  /** Characters of answer, reasoning and tool arguments received so far. */
  chars: number;
}

/** A chat and embedding client for one server. */
export interface LlmClient {
  /** Runs one chat completion. Throws a typed `LlmError` on failure. */
  chat(req: ChatRequest, opts?: CallOptions): Promise<ChatResult>;
  /** Embeds `texts` with `model`; one vector per text, in order. */
  embed(model: string, texts: string[], signal?: AbortSignal): Promise<number[][]>;
}
