/**
 * Project-intent detection: does a chat message ask to work on another
 * project? Deliberately narrow (spec weak spot 11): a candidate needs an
 * absolute path, or a switching verb followed by a name and the word
 * "project"/"app"/"repo", or "switch to"/"open project" with a name; small
 * words (for, the, this, a, ...) are never names, and "plan" never counts,
 * so "create a plan for auth" detects nothing.
 *
 * @module
 */

const STOPWORDS = new Set(
  (
    "a an the this that these those my our your their its his her it for to of in on at by " +
    "with from into and or but is are was were be been new same other another current " +
    "which what who whom whose where when why how some any all each every no not one " +
    "project app repo plan me us you them there here"
  ).split(" "),
);

const VERB =
  String.raw`(?:continue(?:\s+working)?(?:\s+on)?|resume|check(?:\s+on)?|work(?:ing)?\s+on|` +
  String.raw`status\s+of|switch(?:\s+over)?\s+to|open|go\s+to|use|look\s+at|jump\s+to|back\s+to)`;
const NAME = String.raw`([A-Za-z0-9][\w.-]{0,63})`;

/** "continue working on benchmark project", "resume the myapp project", "check benchmark app". */
const VERB_NAME_NOUN = new RegExp(
  String.raw`\b${VERB}\s+(?:the\s+|my\s+|our\s+)?${NAME}\s+(?:project|app|repo)\b`,
  "i",
);
/** "switch to project foo", "open project foo", "use the project foo". */
const VERB_NOUN_NAME = new RegExp(
  String.raw`\b${VERB}\s+(?:the\s+)?(?:project|repo)\s+(?:named\s+|called\s+)?["'\`]?${NAME}`,
  "i",
);
/** "switch to foo" (only this verb: it has no other meaning in a chat with Pilot). */
const SWITCH_TO = new RegExp(
  String.raw`\bswitch(?:\s+over)?\s+to\s+["'\`]?${NAME}["'\`]?\s*[.!?]?$`,
  "i",
);

/** The project a message refers to (a path or a name), or null. */
export function detectProjectIntent(text: string): string | null {
  const t = text.trim();
  if (/^\/[A-Za-z]/.test(t) && t.indexOf("/", 1) > 0) return t.split(/\s+/)[0]!;
  for (const re of [VERB_NAME_NOUN, VERB_NOUN_NAME, SWITCH_TO]) {
    const m = re.exec(t);
    const name = m?.[1]?.replace(/[.]+$/, "");
    if (name && !STOPWORDS.has(name.toLowerCase())) return name;
  }
  return null;
}
