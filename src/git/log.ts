/**
 * A plan's LAO history: the `lao(<agent>): …` commits (and reverts of them)
 * that touched the plan workspace, parsed into entries. Read through the
 * pinned, re-checked repository (`pinned.ts`).
 *
 * @module
 */
import type { ReviewVerdict } from "./message.ts";
import { openRepo, pinnedGit } from "./pinned.ts";
import type { GitRunner } from "./runner.ts";

/** One LAO commit. */
export interface LogEntry {
  /** Full hash. */
  sha: string;
  /** Commit date (strict ISO 8601 with offset). */
  date: string;
  /** `plan`, `architect`, `coder`, `reviewer`, `report`, … or `undo` for a revert. */
  agent: string;
  /** Task id, for task commits. */
  taskId?: number;
  /** Reviewer verdict, for reviewer commits. */
  verdict?: ReviewVerdict;
  /** The subject line. */
  subject: string;
}

const LAO_SUBJECT = /^lao\(([a-z_-]+)\): (.*)$/;
const REVERT_SUBJECT = /^Revert "lao\(coder\): task #(\d+)/;

/** Parses one subject; `null` when it is not a LAO commit (pure). */
export function parseSubject(
  subject: string,
): Omit<LogEntry, "sha" | "date" | "subject"> | null {
  const revert = REVERT_SUBJECT.exec(subject);
  if (revert) return { agent: "undo", taskId: Number(revert[1]) };
  const match = LAO_SUBJECT.exec(subject);
  if (!match) return null;
  const agent = match[1] ?? "";
  const summary = match[2] ?? "";
  const entry: Omit<LogEntry, "sha" | "date" | "subject"> = { agent };
  const task = /(?:^|\s)task #(\d+)/.exec(summary);
  if (task) entry.taskId = Number(task[1]);
  if (agent === "reviewer") {
    const verdict = /^(approved|rejected|failed)\b/.exec(summary)?.[1];
    if (verdict) entry.verdict = verdict as ReviewVerdict;
  }
  return entry;
}

/** Parses `git log --format=%H%x1f%cI%x1f%s` output into LAO entries (pure). */
export function parseLog(stdout: string): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const line of stdout.split("\n")) {
    const [sha = "", date = "", subject = ""] = line.split("\x1f");
    if (!sha || !subject) continue;
    const parsed = parseSubject(subject);
    if (parsed) entries.push({ sha, date, subject, ...parsed });
  }
  return entries;
}

/** Options for {@linkcode planLog}. */
export interface PlanLogOptions {
  /** Runner with LAO's environment. */
  runner: GitRunner;
  /** Most recent commits to read (default 500). */
  limit?: number;
  /** Receives a one-line message when the repository is refused or git fails. */
  warn?: (message: string) => void;
}

/**
 * Reads the LAO commits touching `workspace`, newest first. Returns `[]` when
 * the workspace has no repository or no commits.
 */
export async function planLog(workspace: string, options: PlanLogOptions): Promise<LogEntry[]> {
  const opened = await openRepo(workspace, options.runner);
  if (!opened.ok) {
    options.warn?.(opened.problem);
    return [];
  }
  if (!opened.layout) return [];
  const result = await pinnedGit(options.runner, opened.layout, [
    "log",
    `--max-count=${options.limit ?? 500}`,
    "--format=%H%x1f%cI%x1f%s",
    "--",
    ".",
  ]);
  if (!result.ok && !/does not have any commits|bad default revision/i.test(result.stderr)) {
    if (!result.silent) options.warn?.(result.error);
  }
  return result.ok ? parseLog(result.stdout) : [];
}

/** Formats entries as aligned lines: `abc1234  2025-01-02 10:00  coder     #7  subject`. */
export function formatLog(entries: readonly LogEntry[]): string {
  if (entries.length === 0) return "No LAO commits yet.";
  return entries.map((e) => {
    const date = e.date.slice(0, 16).replace("T", " ");
    const task = e.taskId === undefined ? "-" : `#${e.taskId}`;
    return `${e.sha.slice(0, 7)}  ${date}  ${e.agent.padEnd(9)} ${task.padEnd(5)} ${e.subject}`;
  }).join("\n");
}
