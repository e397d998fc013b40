/**
 * Commits exactly a given list of workspace files, and nothing else: other
 * modified or even staged files in the workspace (or in a parent repository)
 * stay out of the commit, because the commit uses `git commit --only`.
 * Every call is pinned to the recorded repository and re-checked first
 * (`pinned.ts`).
 *
 * @module
 */
import { isAbsolute, join, posix } from "node:path";
import { pinOf } from "./layout.ts";
import type { RepoInfo } from "./repo.ts";
import { pinnedGit } from "./pinned.ts";
import { headFromFiles } from "./head_file.ts";
import type { GitResult, GitRunner } from "./runner.ts";
import type { CommitResult } from "./port.ts";

/** Input of {@linkcode commitFiles}. */
export interface CommitFilesInput {
  /** Subject line (already formatted). */
  subject: string;
  /** Body (may contain blank lines). */
  body: string;
  /** Workspace-relative files to commit (new, modified or deleted). */
  files: readonly string[];
}

/** Outcome: a commit, nothing to commit, or a failure description. */
export type CommitFilesOutcome =
  | { kind: "committed"; commit: CommitResult }
  | { kind: "nothing" }
  | { kind: "failed"; error: string; silent: boolean };

/**
 * Normalises workspace-relative paths; drops absolute paths, paths leaving the
 * workspace and anything inside `.git`. Returns the kept paths and the rejected ones.
 */
export function normalizeFiles(files: readonly string[]): { kept: string[]; rejected: string[] } {
  const kept: string[] = [];
  const rejected: string[] = [];
  for (const raw of files) {
    const file = posix.normalize(raw.replaceAll("\\", "/")).replace(/^\.\/+/, "");
    const parts = file.split("/");
    const bad = file === "" || file === "." || isAbsolute(raw) || /^[a-zA-Z]:/.test(raw) ||
      parts[0] === ".." || parts.some((p) => p.toLowerCase() === ".git");
    if (bad) rejected.push(raw);
    else if (!kept.includes(file)) kept.push(file);
  }
  return { kept, rejected };
}

/** Commits exactly `input.files` (see module doc). Never throws. */
export async function commitFiles(
  runner: GitRunner,
  repo: RepoInfo,
  input: CommitFilesInput,
): Promise<CommitFilesOutcome> {
  const cwd = repo.workspace;
  // The layout is re-checked once per commit, before its first git call: the calls of one
  // commit follow each other with no model or shell step in between. Every call still goes
  // through the runner with the same pin and config.
  let checked = false;
  const git = async (args: string[], config?: Record<string, string>) => {
    const all = ["--literal-pathspecs", ...args];
    const merged = { ...repo.config, ...config };
    if (!checked) {
      checked = true;
      return await pinnedGit(runner, repo.layout, all, merged);
    }
    return await runner.run(all, {
      cwd: repo.layout.workspace,
      pin: pinOf(repo.layout),
      config: merged,
    });
  };
  const { kept } = normalizeFiles(input.files);
  if (kept.length === 0) return { kind: "nothing" };
  const committed = repo.committed ??= new Set();
  if (kept.every((f) => committed.has(f))) {
    // All tracked already (LAO committed them before): one process. Should one have left the
    // index meanwhile, git refuses the pathspec and the full sequence below runs instead.
    const direct = await commitOnly(git, repo, input, kept);
    if (!untracked(direct)) return direct;
  }

  const staged = await stage(git, cwd, kept);
  if (!Array.isArray(staged)) return staged;
  const paths = staged;
  if (paths.length === 0) return { kind: "nothing" };
  const outcome = await commitOnly(git, repo, input, paths);
  if (untracked(outcome)) {
    return { kind: "failed", error: "git does not track a file it was just given", silent: false };
  }
  if (outcome.kind === "committed") { for (const p of paths) committed.add(p); }
  return outcome;
}

type Git = (args: string[], config?: Record<string, string>) => Promise<GitResult>;

/**
 * Stages the files that exist (`git add`; ignored ones are left out) and
 * names the tracked ones that are gone: the paths a `commit --only` takes.
 */
async function stage(
  git: Git,
  cwd: string,
  kept: readonly string[],
): Promise<string[] | CommitFilesOutcome> {
  const existing: string[] = [];
  const missing: string[] = [];
  for (const file of kept) {
    if (exists(join(cwd, file))) existing.push(file);
    else missing.push(file);
  }
  let addable: string[] = [];
  if (existing.length > 0) {
    // One `git add` in the usual case; only when it refuses do ignored files get looked up.
    const add = await git(["add", "-A", "--", ...existing]);
    if (add.ok) addable = existing;
    else {
      if (add.code === -1) return failed(add);
      const checked = await notIgnored(git, existing);
      if (!Array.isArray(checked)) return failed(checked);
      if (checked.length === existing.length) return failed(add);
      addable = checked;
      if (addable.length > 0) {
        const again = await git(["add", "-A", "--", ...addable]);
        if (!again.ok) return failed(again);
      }
    }
  }
  let deleted: string[] = [];
  if (missing.length > 0) {
    const tracked = await git(["ls-files", "-z", "--", ...missing]);
    if (!tracked.ok) return failed(tracked);
    const known = new Set(tracked.stdout.split("\0").filter((p) => p !== ""));
    deleted = missing.filter((f) => known.has(f));
  }
  return [...addable, ...deleted];
}

/** True for {@linkcode commitOnly}'s "a path is not tracked" refusal. */
function untracked(outcome: CommitFilesOutcome): boolean {
  return outcome.kind === "failed" && outcome.error === "";
}

/**
 * `git commit --only -- paths` and the new HEAD. A refused pathspec (a path git does not
 * track) comes back as `failed` with an empty `error`, so the caller can add and retry.
 */
async function commitOnly(
  git: (args: string[], config?: Record<string, string>) => Promise<GitResult>,
  repo: RepoInfo,
  input: CommitFilesInput,
  paths: string[],
): Promise<CommitFilesOutcome> {
  // Unchanged paths: git itself says "nothing to commit" (handled below), no status call needed.
  const commit = await git([
    "commit",
    "--only",
    "--no-verify",
    "--quiet",
    "--cleanup=whitespace",
    "-m",
    input.subject,
    ...(input.body.trim() ? ["-m", input.body] : []),
    "--",
    ...paths,
  ], repo.commitConfig);
  if (!commit.ok) {
    if (/nothing (added )?to commit|no changes added/i.test(commit.stdout + commit.stderr)) {
      return { kind: "nothing" };
    }
    if (commit.code !== -1 && /pathspec .* did not match/i.test(commit.stderr)) {
      return { kind: "failed", error: "", silent: true };
    }
    return failed(commit);
  }
  const sha = await headFromFiles(repo.layout) ?? await (async () => {
    const head = await git(["rev-parse", "HEAD"]);
    return head.ok ? head.stdout.trim() : head;
  })();
  if (typeof sha !== "string") return failed(sha);
  return { kind: "committed", commit: { sha, subject: input.subject } };
}

function failed(result: { error: string; silent: boolean }): CommitFilesOutcome {
  return { kind: "failed", error: result.error, silent: result.silent };
}

async function notIgnored(
  git: (args: string[]) => Promise<GitResult>,
  files: string[],
): Promise<string[] | GitResult> {
  // Exit 0: some are ignored (listed); exit 1: none are ignored; -1: refused or not run.
  const result = await git(["check-ignore", "-z", "--", ...files]);
  if (result.code === -1) return result;
  if (result.code !== 0) return files;
  const ignored = new Set(result.stdout.split("\0"));
  return files.filter((f) => !ignored.has(f));
}

/** Synchronous: an `lstat` cannot block, and one per file LAO commits is cheaper so. */
function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
