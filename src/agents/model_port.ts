/**
 * The model port the agents talk through: one call makes the role's model
 * resident, runs the request and records its accounting (the phases build
 * it, see `phases/model_call.ts`); token counting and the role's calibration
 * factor let an agent fit its prompt to the role's context.
 *
 * @module
 */
import type { RoleName } from "../config/schema.ts";
import type { TokenCounter } from "../llm/tokens.ts";
import type { ChatRequest, ChatResult, ResponseFormat } from "../llm/types.ts";

/** What a call is for (accounting). */
export interface CallMeta {
  taskId?: number;
  planId?: string;
  /** Each new piece of answer text as it streams in (the Pilot prints it). */
  onText?: (delta: string) => void;
}

/** A request without the role and model (the port fills them in). */
export type ModelRequest = Omit<ChatRequest, "role" | "model">;

/** Load + call + accounting, for the agents. */
export interface ModelPort {
  /** Makes `role` resident and runs `req`. Throws `LlmError` on server failures. */
  call(role: RoleName, req: ModelRequest, meta?: CallMeta): Promise<ChatResult>;
  /**
   * Like {@linkcode ModelPort.call}, asking for `format` while the server
   * accepts structured output (plain text after the first refusal).
   */
  callStructured(
    role: RoleName,
    req: Omit<ModelRequest, "response_format">,
    format: ResponseFormat,
    meta?: CallMeta,
  ): Promise<ChatResult>;
  /** Embeds `texts` with the embedder role's model. */
  embed(texts: string[]): Promise<number[][]>;
  /** Token counting for budgets (uncalibrated). */
  count: TokenCounter;
  /** The calibration factor of a role's model (server tokens per counted token). */
  factor(role: RoleName): number;
}
