/**
 * Repository preparation for a plan workspace: reuse the repository that
 * already contains the workspace (even a parent one, so no nested `.git` is
 * ever created), or `git init` a new one with a suitable `.gitignore`. The
 * repository is found and pinned by `pinned.ts` (never by git's discovery)
 * and its layout recorded, so every later call can refuse a tampered one.
 *
 * @module
 */
import { basename, dirname, join, relative } from "node:path";
import type { Emit } from "../events/bus.ts";
import { errorMessage } from "../errors.ts";
import { gitignoreFor } from "./gitignore.ts";
import type { RepoLayout } from "./layout.ts";
import { FALLBACK_IDENTITY, lastValues, openRepo, USER_KEYS, userSettings } from "./pinned.ts";
import type { GitRunner } from "./runner.ts";
import { workspaceIo } from "../workspace/guarded_io.ts";

export { FALLBACK_IDENTITY } from "./pinned.ts";

/** What {@linkcode prepareRepo} found or created. */
export interface RepoInfo {
  /** The plan workspace (absolute). */
  workspace: string;
  /** The repository's top-level folder. */
  toplevel: string;
  /** The workspace's path inside the repository, with a trailing `/` ("" at the top). */
  prefix: string;
  /** True when LAO ran `git init` for this workspace. */
  created: boolean;
  /** Workspace-relative files LAO wrote while preparing (to include in the next commit). */
  newFiles: string[];
  /** `-c` settings for commits: the identity (the user's, or the fallback). */
  commitConfig: Record<string, string>;
  /** `-c` settings for every call (the user's excludes file). */
  config: Record<string, string>;
  /** The recorded layout every call is pinned to. */
  layout: RepoLayout;
  /**
   * Workspace-relative files LAO's own commits recorded in this run: `git commit --only`
   * takes a tracked file's content itself, so committing only these needs no `git add`.
   */
  committed?: Set<string>;
}

/** Options for {@linkcode prepareRepo}. */
export interface PrepareRepoOptions {
  /** The runner to use (it carries the hardened environment). */
  runner: GitRunner;
  /** Languages of the plan, used for a new `.gitignore`. */
  languages?: readonly string[];
  /** Receives warnings and the identity hint. */
  emit?: Emit;
  /** Remembers hints already shown; defaults to one set per process. */
  shownHints?: Set<string>;
}

const processHints = new Set<string>();

/** The text of the one-time hint shown when no git identity is configured. */
export const IDENTITY_HINT = "git has no user.name/user.email configured; LAO commits as " +
  `"${FALLBACK_IDENTITY.name} <${FALLBACK_IDENTITY.email}>" so history is kept. ` +
  'Set yours with: git config --global user.name "Your Name" && ' +
  "git config --global user.email you@example.com";

/**
 * Makes sure `workspace` exists and is inside a git repository. Returns
 * `null` (after emitting a one-line warning) when git cannot or must not be
 * used. Never throws.
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
  const newFiles: string[] = [];
  const opened = await openRepo(workspace, runner);
  if (!opened.ok) {
    warn(opened.problem);
    return null;
  }
  const created = !opened.layout;
  let layout = opened.layout;
  let values: Map<string, string> | undefined;
  if (!layout) {
    const made = await initRepo(opened.workspace, options, warn);
    if (!made) return null;
    ({ layout, values } = made);
    newFiles.push(...made.newFiles);
  }
  const rel = relative(layout.toplevel, layout.workspace).replaceAll("\\", "/");
  const settings = await userSettings(runner, layout, values);
  if (settings.fallback) {
    const shown = options.shownHints ?? processHints;
    if (!shown.has("identity")) {
      shown.add("identity");
      warn(IDENTITY_HINT);
    }
  }
  return {
    workspace,
    toplevel: layout.toplevel,
    prefix: rel ? `${rel}/` : "",
    created,
    newFiles,
    commitConfig: settings.identity,
    config: settings.config,
    layout,
  };
}

/**
 * `git init` in `ws` (on the user's `init.defaultBranch`, read from their
 * config), a `.gitignore` for the plan's languages unless one is there, and
 * the new repository opened and pinned; null after a warning.
 */
async function initRepo(
  ws: string,
  options: PrepareRepoOptions,
  warn: (message: string) => void,
): Promise<{ layout: RepoLayout; newFiles: string[]; values: Map<string, string> } | null> {
  const { runner } = options;
  const gitDir = join(ws, ".git");
  // The user's keys, read before the repository exists: the default branch
  // for `git init`, and the identity its commits take (a new repository's own
  // config holds none of them).
  const user = await runner.run(["config", "--includes", "-z", "--get-regexp", USER_KEYS], {
    cwd: ws,
    userConfig: true,
  });
  if (!user.ok && user.code === -1) {
    if (!user.silent) warn(user.error);
    return null;
  }
  const values = lastValues(user.ok ? user.stdout : "");
  const name = (values.get("init.defaultbranch") ?? "").trim();
  // `--template=`: no sample hooks, `description` or `info/exclude` (LAO's
  // git never runs hooks); 9 files and folders instead of about 25.
  const init = await runner.run(
    [
      "init",
      "-q",
      "--template=",
      ...(/^[\w./-]+$/.test(name) ? [`--initial-branch=${name}`] : []),
    ],
    { cwd: ws, pin: { gitDir, commonDir: gitDir, workTree: ws } },
  );
  if (!init.ok) {
    if (!init.silent) warn(init.error);
    return null;
  }
  const newFiles: string[] = [];
  if (await writeIfMissing(join(ws, ".gitignore"), gitignoreFor(options.languages))) {
    newFiles.push(".gitignore");
  }
  const opened = await openRepo(ws, runner);
  if (!opened.ok || !opened.layout) {
    warn(opened.ok ? `git init did not create a repository in ${ws}` : opened.problem);
    return null;
  }
  return { layout: opened.layout, newFiles, values };
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
