/**
 * Plan metadata seeded from the plan text: phases from headings
 * that name a phase, and deliverables from explicit requirement ids that
 * start a list item or heading (`- REQ-3: …`, `## AC-2 …`). Unlike the
 * original, a token such as `UTF-8`, `SHA-256` or `ISO-8601` in running text
 * is not a requirement id.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** A phase found in the plan. */
export interface PlanPhase {
  name: string;
  index: number;
}

/** A deliverable found in the plan. */
export interface PlanDeliverable {
  id: string;
  description: string;
}

/** Well-known standard names that look like ids but are not requirements. */
const NOT_REQUIREMENTS = /^(UTF|SHA|ISO|HTTP|RFC|MD|AES|RSA|TLS|SSL|IPV|CVE|ECMA|ES|PEP|X)-\d+$/i;

/** Phases: every heading that contains "phase", in order. */
export function planPhases(text: string): PlanPhase[] {
  const names = text.split(/\r?\n/)
    .filter((l) => /^#{1,6}\s/.test(l) && /phase/i.test(l))
    .map((l) => l.replace(/^#+\s*/, "").trim());
  return [...new Set(names)].map((name, index) => ({ name, index }));
}

/** Deliverables: an id like `REQ-12` opening a list item or heading; the line is its description. */
export function planDeliverables(text: string): PlanDeliverable[] {
  const found = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:[-*+]|\d+[.)]|#{1,6})\s+(?:\*\*|`)?([A-Z][A-Z0-9]*-\d+)\b/.exec(line);
    if (!m) continue;
    const id = m[1]!;
    if (NOT_REQUIREMENTS.test(id) || found.has(id)) continue;
    found.set(id, line.replace(/^\s*(?:[-*+]|\d+[.)]|#{1,6})\s+/, "").trim());
  }
  return [...found].map(([id, description]) => ({ id, description }));
}

/** What the YAML front matter at the top of a plan file says. */
export interface PlanFrontMatter {
  /** `workspace:`: the folder the plan targets, relative to the config folder. */
  workspace?: string;
  /** The plan text without the front matter. */
  body: string;
}

/**
 * Reads the front matter of a plan: a first line `---`, `key: value` lines,
 * then `---`. Only `workspace` is known; other keys are ignored. A file
 * without front matter is all body.
 */
export function planFrontMatter(text: string): PlanFrontMatter {
  const m = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return { body: text };
  const out: PlanFrontMatter = { body: text.slice(m[0].length) };
  for (const line of (m[1] ?? "").split(/\r?\n/)) {
    const kv = /^\s*workspace\s*:\s*(.*?)\s*$/.exec(line);
    if (!kv) continue;
    const value = (kv[1] ?? "").replace(/\s+#.*$/, "").replace(/^(["'])(.*)\1$/, "$2").trim();
    if (value) out.workspace = value;
  }
  return out;
}

/** One section of a plan: a heading and what follows it up to the next heading. */
export interface TextSection {
  /** The heading line, or "(preamble)" for text before the first heading. */
  heading: string;
  /** The section's text (heading included), trimmed. */
  text: string;
  /** First 16 hex chars of SHA-256 of the text with whitespace runs collapsed. */
  hash: string;
}

/**
 * Splits a plan body into sections at every markdown heading (outside code
 * fences). A revision keeps the tasks of sections whose hash is unchanged.
 */
export function planSections(body: string): TextSection[] {
  const parts: { heading: string; lines: string[] }[] = [];
  let current = { heading: "(preamble)", lines: [] as string[] };
  let fence = false;
  for (const line of body.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    if (!fence && /^#{1,6}\s/.test(line)) {
      parts.push(current);
      current = { heading: line.trim(), lines: [] };
    }
    current.lines.push(line);
  }
  parts.push(current);
  const out: TextSection[] = [];
  for (const p of parts) {
    const text = p.lines.join("\n").trim();
    if (!text) continue;
    const norm = text.replace(/\s+/g, " ");
    const hash = createHash("sha256").update(norm, "utf8").digest("hex").slice(0, 16);
    out.push({ heading: p.heading, text, hash });
  }
  return out;
}

/**
 * The section a task most likely implements: the one sharing the most words
 * with the task's title, description and files (ties: the earlier section).
 */
export function sectionOfTask(
  task: { title: string; description: string; file_paths: string[] },
  sections: readonly TextSection[],
): TextSection | undefined {
  if (sections.length <= 1) return sections[0];
  const words = (s: string) => new Set(s.toLowerCase().match(/[\p{L}\p{N}_]{3,}/gu) ?? []);
  const mine = words(`${task.title} ${task.description} ${task.file_paths.join(" ")}`);
  let best: TextSection | undefined;
  let bestScore = -1;
  for (const s of sections) {
    const theirs = words(s.text);
    let score = 0;
    for (const w of mine) if (theirs.has(w)) score++;
    const exactFile = task.file_paths.some((f) => f && s.text.includes(f)) ? 100 : 0;
    if (score + exactFile > bestScore) {
      bestScore = score + exactFile;
      best = s;
    }
  }
  return best;
}
