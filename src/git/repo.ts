/**
 * Repository preparation for a plan workspace: reuse the repository that
 * already contains the workspace (even a parent one, so no nested `.git` is
 * ever created), or `git init` a new one with a suitable `.gitignore`.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import type { Emit } from "../events/bus.ts";
import { errorMessage } from "../errors.ts";
import { gitignoreFor } from "./gitignore.ts";
import type { GitRunner } from "./runner.ts";
import { workspaceIo } from "../workspace/guarded_io.ts";

/** What {@linkcode prepareRepo} found or created. */
export interface RepoInfo {
  /** The plan workspace (absolute). */
  workspace: string;
  /** The repository's top-level folder as git reports it. */
  toplevel: string;
  /** The workspace's path inside the repository, with a trailing `/` ("" at the top). */
  prefix: string;
  /** True when LAO ran `git init` for this workspace. */
  created: boolean;
  /** Workspace-relative files LAO wrote while preparing (to include in the next commit). */
  newFiles: string[];
  /** `-c` settings to add to commits (fallback identity when none is configured). */
  commitConfig: Record<string, string>;
}

/** Options for {@linkcode prepareRepo}. */
export interface PrepareRepoOptions {
  /** The runner to use (it carries the hook-free environment). */
  runner: GitRunner;
  /** Languages of the plan, used for a new `.gitignore`. */
  languages?: readonly string[];
  /** Receives warnings and the identity hint. */
  emit?: Emit;
  /** Remembers hints already shown; defaults to one set per process. */
  shownHints?: Set<string>;
}

/** Fallback identity used when git has none configured. */
export const FALLBACK_IDENTITY = { name: "LAO", email: "lao@localhost" } as const;

const processHints = new Set<string>();

/** The text of the one-time hint shown when no git identity is configured. */
export const IDENTITY_HINT = "git has no user.name/user.email configured; LAO commits as " +
  `"${FALLBACK_IDENTITY.name} <${FALLBACK_IDENTITY.email}>" so history is kept. ` +
  'Set yours with: git config --global user.name "Your Name" && ' +
  "git config --global user.email you@example.com";

/**
 * Makes sure `workspace` exists and is inside a git repository. Returns
 * `null` (after emitting a warning) when git cannot be used. Never throws.
 */
export async function prepareRepo(
  workspace: string,
  options: PrepareRepoOptions,
): Promise<RepoInfo | null> {
  const { runner } = options;
  const emit = options.emit ?? (() => {});
  const warn = (message: string) => emit({ type: "log", level: "warn", source: "git", message });
  try {
    await Deno.mkdir(workspace, { recursive: true });
  } catch (err) {
    warn(`Cannot create workspace "${workspace}": ${errorMessage(err)}`);
    return null;
  }
  let created = false;
  const newFiles: string[] = [];
  let top = await runner.run(["rev-parse", "--show-toplevel", "--show-prefix"], {
    cwd: workspace,
  });
  if (!top.ok) {
    if (!/not a git repository/i.test(top.stderr)) {
      // git missing, or a repository git refuses to use (e.g. "dubious ownership"):
      // never create a nested repository in that case.
      if (!top.silent) warn(top.error);
      return null;
    }
    const init = await runner.run(["init", "-q"], { cwd: workspace });
    if (!init.ok) {
      if (!init.silent) warn(init.error);
      return null;
    }
    created = true;
    if (await writeIfMissing(join(workspace, ".gitignore"), gitignoreFor(options.languages))) {
      newFiles.push(".gitignore");
    }
    top = await runner.run(["rev-parse", "--show-toplevel", "--show-prefix"], { cwd: workspace });
    if (!top.ok) {
      if (!top.silent) warn(top.error);
      return null;
    }
  }
  const [toplevel = workspace, prefix = ""] = top.stdout.split("\n");
  const commitConfig = await identityConfig(runner, workspace);
  if (Object.keys(commitConfig).length > 0) {
    const shown = options.shownHints ?? processHints;
    if (!shown.has("identity")) {
      shown.add("identity");
      warn(IDENTITY_HINT);
    }
  }
  return { workspace, toplevel, prefix, created, newFiles, commitConfig };
}

/** Returns fallback `user.name`/`user.email` settings for whichever is not configured. */
async function identityConfig(runner: GitRunner, cwd: string): Promise<Record<string, string>> {
  const config: Record<string, string> = {};
  const name = await runner.run(["config", "user.name"], { cwd });
  if (!name.ok || name.stdout.trim() === "") config["user.name"] = FALLBACK_IDENTITY.name;
  const email = await runner.run(["config", "user.email"], { cwd });
  if (!email.ok || email.stdout.trim() === "") config["user.email"] = FALLBACK_IDENTITY.email;
  return config;
}

/** Writes `path` through the guarded workspace I/O unless anything (a link included) is there. */
async function writeIfMissing(path: string, text: string): Promise<boolean> {
  const io = workspaceIo(dirname(path));
  try {
    if (await io.exists(basename(path))) return false;
    await io.writeText(basename(path), text);
    return true;
  } catch {
    return false;
  }
}
