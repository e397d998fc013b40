/**
 * Plan metadata seeded from the plan text (spec §3.3): phases from headings
 * that name a phase, and deliverables from explicit requirement ids that
 * start a list item or heading (`- REQ-3: …`, `## AC-2 …`). Unlike the
 * original, a token such as `UTF-8`, `SHA-256` or `ISO-8601` in running text
 * is not a requirement id (weak spot §11.21).
 *
 * @module
 */

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
