/**
 * Separates reasoning (`<think>…</think>`) from the answer in a model reply.
 *
 * Handles the shapes local servers really produce: closed blocks anywhere,
 * an unclosed leading `<think>` (the model ran out of tokens while thinking),
 * and an orphan `</think>` whose opening tag the chat template swallowed.
 *
 * @module
 */

/** A reply split into its answer and its reasoning. */
export interface SplitReply {
  /** The answer with every reasoning block removed, trimmed. */
  content: string;
  /** The reasoning text (blocks joined by blank lines), trimmed. */
  reasoning: string;
}

const TAGS = "think|thinking|reasoning";
const CLOSED_BLOCK = new RegExp(`<(${TAGS})>([\\s\\S]*?)</\\1\\s*>`, "gi");
const OPEN_TAG = new RegExp(`<(?:${TAGS})>`, "i");
const CLOSE_TAG = new RegExp(`</(?:${TAGS})\\s*>`, "i");

/**
 * Splits `text` into answer and reasoning.
 *
 * @example
 * ```ts
 * import { splitThink } from "./think.ts";
 * splitThink("<think>hmm</think>[1]"); // { content: "[1]", reasoning: "hmm" }
 * ```
 */
export function splitThink(text: string): SplitReply {
  const reasoning: string[] = [];
  let rest = splitHarmony(text, reasoning).replace(CLOSED_BLOCK, (_m, _tag, inner: string) => {
    reasoning.push(inner.trim());
    return "";
  });
  const orphanClose = CLOSE_TAG.exec(rest);
  if (orphanClose && !OPEN_TAG.test(rest.slice(0, orphanClose.index))) {
    reasoning.unshift(rest.slice(0, orphanClose.index).trim());
    rest = rest.slice(orphanClose.index + orphanClose[0].length);
  }
  const open = OPEN_TAG.exec(rest);
  if (open) {
    reasoning.push(rest.slice(open.index + open[0].length).trim());
    rest = rest.slice(0, open.index);
  }
  return {
    content: rest.trim(),
    reasoning: reasoning.filter((r) => r.length > 0).join("\n\n"),
  };
}

/** Harmony (gpt-oss) analysis messages. */
const ANALYSIS =
  /(?:<\|start\|>\s*assistant\s*)?<\|channel\|>\s*analysis\s*<\|message\|>([\s\S]*?)(?:<\|end\|>|(?=<\|start\|>)|(?=<\|channel\|>)|$)/g;
/** The harmony final message (its framing and end token). */
const FINAL =
  /(?:<\|start\|>\s*assistant\s*)?<\|channel\|>\s*final\s*<\|message\|>([\s\S]*?)(?:<\|return\|>|<\|end\|>|(?=<\|start\|>)|$)/;
/** End-of-turn tokens of the common chat templates, left in by some servers. */
const END_TOKENS =
  /<\|(?:im_end|eot_id|eom_id|end|return|endoftext|end_of_text)\|>|<end_of_turn>|<\/s>|<[｜|]end[▁_ ]of[▁_ ]sentence[｜|]>/g;

/**
 * Moves harmony analysis messages into `reasoning` and keeps only the final
 * message when there is one; other text (tool calls) is left as it is.
 */
function splitHarmony(text: string, reasoning: string[]): string {
  if (!text.includes("<|channel|>") && !text.includes("<|message|>")) {
    return text.replace(END_TOKENS, "");
  }
  const final = FINAL.exec(text);
  const withoutAnalysis = text.replace(ANALYSIS, (_m, inner: string) => {
    reasoning.push(inner.trim());
    return "";
  });
  return (final ? final[1]! : withoutAnalysis).replace(END_TOKENS, "");
}

/** Returns `text` without any reasoning block (see {@linkcode splitThink}). */
export function stripThink(text: string): string {
  return splitThink(text).content;
}
