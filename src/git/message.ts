/**
 * Commit messages for LAO's phase commits: `lao(<agent>): <summary>`
 * subjects of at most 72 characters and `Plan-ID:` bodies with optional
 * `LAO-Plan-ID:` / `LAO-Task-ID:` trailers.
 *
 * @module
 */

/** The agents that author LAO commits. */
export type CommitAgent = "plan" | "architect" | "coder" | "reviewer" | "report";

/** A reviewer verdict recorded in git. */
export type ReviewVerdict = "approved" | "rejected" | "failed";

/** Longest subject git will get, including the `lao(<agent>): ` prefix. */
export const MAX_SUBJECT = 72;

/** Collapses newlines (and the whitespace around them) into single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

/**
 * Builds `lao(<agent>): <summary>`, collapsed to one line and cut to
 * {@linkcode MAX_SUBJECT} characters with `...`.
 */
export function formatSubject(agent: CommitAgent, summary: string): string {
  const subject = `lao(${agent}): ${oneLine(summary)}`;
  if (subject.length <= MAX_SUBJECT) return subject;
  return subject.slice(0, MAX_SUBJECT - 3).trimEnd() + "...";
}

/** The reviewer summary for a verdict: `approved task #7 Title`, … */
export function reviewSummary(verdict: ReviewVerdict, taskId: number, title: string): string {
  switch (verdict) {
    case "approved":
      return `approved task #${taskId} ${title}`;
    case "rejected":
      return `rejected task #${taskId} (rework) ${title}`;
    case "failed":
      return `failed task #${taskId} (max attempts) ${title}`;
  }
}

/** Options for {@linkcode formatBody}. */
export interface BodyOptions {
  /** The plan's id. */
  planId: string;
  /** The task's id, for task commits. */
  taskId?: number;
  /** Adds `LAO-Plan-ID` / `LAO-Task-ID` trailers (`git.commit_trailers`). */
  trailers: boolean;
  /** A paragraph placed before the `Plan-ID:` paragraph (the plan's first line). */
  lead?: string;
}

/** Builds the commit body; the `Plan-ID:` line and trailers form the last paragraph. */
export function formatBody(options: BodyOptions): string {
  const lines = [`Plan-ID: ${oneLine(options.planId)}`];
  if (options.trailers) {
    lines.push(`LAO-Plan-ID: ${oneLine(options.planId)}`);
    if (options.taskId !== undefined) lines.push(`LAO-Task-ID: ${options.taskId}`);
  }
  const lead = options.lead ? oneLine(options.lead) : "";
  return (lead ? `${lead}\n\n` : "") + lines.join("\n");
}

/** The first non-empty line of `text`, at most `max` characters. */
export function firstLine(text: string, max = 200): string {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0) ?? "";
  return line.length <= max ? line : line.slice(0, max);
}

/** The `LAO_PLAN.md` snapshot text: an HTML comment header, a blank line, the plan. */
export function planSnapshot(planText: string, sourceFile: string, version: string): string {
  const header = `<!-- LAO plan snapshot: source=${oneLine(sourceFile)} lao_version=${
    oneLine(version)
  } -->`;
  return `${header}\n\n${planText}${planText.endsWith("\n") ? "" : "\n"}`;
}
