/**
 * A one-slot prompt-prefix cache, as local servers keep one (llama.cpp's
 * slot, LM Studio's and Ollama's loaded context): a request reuses the KV
 * cache of the longest common prefix with the previous request on the same
 * model, and only the rest is prefilled. Prompts are rendered the way chat
 * templates do: system prompt, then the tool list, then the conversation.
 *
 * @module
 */
import type { ChatBody } from "./server.ts";
import { fakeTokens } from "./state_ops.ts";

/** The prompt text a chat template would build from `body` (tools after the system prompt). */
export function renderPrompt(body: ChatBody): string {
  const messages = body.messages ?? [];
  const parts: string[] = [];
  let i = 0;
  if (messages[0]?.role === "system") {
    parts.push(`<system>${String(messages[0].content ?? "")}`);
    i = 1;
  }
  if (Array.isArray(body.tools) && body.tools.length) {
    parts.push(`<tools>${JSON.stringify(body.tools)}`);
  }
  for (; i < messages.length; i++) {
    const m = messages[i]! as { role: string; content?: unknown; tool_calls?: unknown };
    const calls = m.tool_calls ? JSON.stringify(m.tool_calls) : "";
    parts.push(`<${m.role}>${typeof m.content === "string" ? m.content : ""}${calls}`);
  }
  return parts.join("\n");
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Prompt tokens of one request: all of them, and those not found in the cache. */
export interface PrefixUse {
  prompt: number;
  cached: number;
  prefill: number;
}

/** One slot: the previous prompt and the model it was computed on. */
export class PrefixCache {
  #model = "";
  #prompt = "";

  /** Records `body` as the slot's new content; returns what it reused. */
  observe(body: ChatBody): PrefixUse {
    const model = String(body.model ?? "");
    const prompt = renderPrompt(body);
    const same = model === this.#model ? commonPrefix(prompt, this.#prompt) : 0;
    this.#model = model;
    this.#prompt = prompt;
    const total = fakeTokens(prompt);
    const cached = Math.min(total, Math.floor(same / 4));
    return { prompt: total, cached, prefill: total - cached };
  }
}
