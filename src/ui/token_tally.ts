/**
 * Token use by role, added up from `llm.call` events: one rule for every
 * view that tallies them (the dashboard, the run summary).
 *
 * @module
 */
import type { LaoEvent } from "../events/types.ts";

/** Prompt and completion tokens of one role. */
export interface TokenUse {
  prompt: number;
  completion: number;
}

/** `tokens` with the call's prompt and completion tokens added to its role. */
export function addCall<K extends string>(
  tokens: Readonly<Partial<Record<K, TokenUse>>>,
  call: Extract<LaoEvent, { type: "llm.call" }> & { role: K },
): Partial<Record<K, TokenUse>> {
  const used = tokens[call.role] ?? { prompt: 0, completion: 0 };
  return {
    ...tokens,
    [call.role]: {
      prompt: used.prompt + call.promptTokens,
      completion: used.completion + call.completionTokens,
    },
  };
}
