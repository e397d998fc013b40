/**
 * The layout of the repository a plan workspace uses, found without asking
 * git (git's own discovery would follow whatever `.git` the sandboxed shell
 * planted) and checked again before every git call.
 *
 * {@linkcode findLayout} walks up from the workspace like git does: the
 * first `.git` folder that looks like a repository, or a `.git` file
 * (`gitdir: …`, a linked worktree or submodule) wins; an empty `.git` (the
 * sandbox's read-only placeholder) is skipped. It refuses a `.git` that is a
 * symbolic link or something other than a file or folder, a repository owned
 * by another user, and a `.git` inside the workspace when an enclosing
 * repository already tracks the workspace's files (a `git init` the shell
 * ran in a workspace whose real repository is a parent folder).
 *
 * {@linkcode layoutDrift} compares the repository as it is now with the
 * {@linkcode RepoLayout} recorded when LAO created or first found it: the
 * `.git` entry, `commondir`, `objects/info/alternates`, the watched config
 * keys, plus no new `.git` between the workspace and the top-level folder.
 *
 * @module
 */
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { errorMessage } from "../errors.ts";
import { inspectConfig } from "./config_guard.ts";
import type { GitPin, GitRunner } from "./runner.ts";
import { entryKindSync, readSmallFile } from "./safe_read.ts";

/** What LAO recorded about a repository when it created or first found it. */
export interface RepoLayout {
  /** The plan workspace (real path). */
  workspace: string;
  /** The repository's top-level folder (real path). */
  toplevel: string;
  /** `GIT_DIR`. */
  gitDir: string;
  /** `GIT_COMMON_DIR`. */
  commonDir: string;
  /** `"dir"` for a `.git` folder, else the text of the `.git` file. */
  dotGit: string;
  /** Text of `<gitDir>/commondir`, or `null` when there is none. */
  commondirFile: string | null;
  /** Text of `<commonDir>/objects/info/alternates`, or `null`. */
  alternates: string | null;
  /** Watched config entries (see `config_guard.ts`). */
  watched: string[];
}

/** A layout, or a one-line reason why the repository must not be used. */
export type LayoutResult = { ok: true; layout: RepoLayout | null } | { ok: false; problem: string };

/** Largest metadata file read (bytes). */
const MAX_META = 64 * 1024;

/** The pin for a layout. */
export function pinOf(layout: RepoLayout): GitPin {
  return { gitDir: layout.gitDir, commonDir: layout.commonDir, workTree: layout.toplevel };
}

/** How messages name a path of the layout (relative to the top-level folder when inside it). */
export function shown(layout: { toplevel: string }, path: string): string {
  const rel = relative(layout.toplevel, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/**
 * Finds the repository containing `workspace` (see module doc); `layout` is
 * `null` when there is none. Never throws.
 */
export async function findLayout(workspace: string, runner: GitRunner): Promise<LayoutResult> {
  let ws: string;
  try {
    ws = await Deno.realPath(workspace);
  } catch (err) {
    return { ok: false, problem: `cannot resolve ${workspace} (${errorMessage(err)})` };
  }
  const found = await walkUp(ws, runner);
  if (!found.ok || !found.layout) return found;
  const layout = found.layout;
  const config = await inspectConfig(runner, layout, shown(layout, layout.gitDir));
  if (!config.ok) return config;
  layout.watched = config.watched;
  if (layout.toplevel !== dirname(layout.toplevel)) {
    const outer = await walkUp(dirname(layout.toplevel), runner);
    if (outer.ok && outer.layout) {
      const impostor = await trackedByOuter(runner, outer.layout, ws);
      if (impostor) {
        return {
          ok: false,
          problem: `${join(layout.toplevel, ".git")} was not made by LAO: the enclosing ` +
            `repository ${outer.layout.toplevel} tracks the workspace's files`,
        };
      }
    }
  }
  return { ok: true, layout };
}

/** Describes how the repository now differs from `recorded`; `""` when it does not. */
export async function layoutDrift(recorded: RepoLayout, runner: GitRunner): Promise<string> {
  for (let dir = recorded.workspace; dir !== recorded.toplevel;) {
    const dotGit = join(dir, ".git");
    if (!isPlaceholder(dotGit)) {
      return `${shown(recorded, dotGit)} appeared inside the workspace`;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const now = await describe(recorded.toplevel, runner);
  if (!now.ok) return now.problem;
  if (!now.layout) return `${join(recorded.toplevel, ".git")} is gone`;
  const cur = now.layout;
  const dotGit = shown(recorded, join(recorded.toplevel, ".git"));
  if (cur.dotGit !== recorded.dotGit) {
    return recorded.dotGit === "dir"
      ? `${dotGit} was replaced by a file redirecting to another repository`
      : `${dotGit} now points somewhere else`;
  }
  if (cur.gitDir !== recorded.gitDir || cur.commonDir !== recorded.commonDir) {
    return `${dotGit} now leads to ${cur.commonDir}`;
  }
  const label = shown(recorded, recorded.gitDir);
  if (cur.commondirFile !== recorded.commondirFile) {
    return recorded.commondirFile === null
      ? `${label}/commondir appeared (it would redirect config, hooks and refs)`
      : `${label}/commondir changed`;
  }
  if (cur.alternates !== recorded.alternates) {
    return `${shown(recorded, recorded.commonDir)}/objects/info/alternates ` +
      (recorded.alternates === null ? "appeared" : "changed");
  }
  for (const name of ["HEAD", "index"]) {
    const kind = entryKindSync(join(recorded.gitDir, name));
    if (kind !== "file" && !(kind === "missing" && name === "index")) {
      return `${label}/${name} is not a regular file`;
    }
  }
  const config = await inspectConfig(runner, recorded, label);
  if (!config.ok) return config.problem;
  const added = config.watched.filter((e) => !recorded.watched.includes(e));
  const removed = recorded.watched.filter((e) => !config.watched.includes(e));
  const changed = [...added, ...removed].map((e) => e.split("=")[0] ?? e);
  if (changed.length > 0) {
    return `${label}/config changed ${[...new Set(changed)].join(", ")} since LAO first used it`;
  }
  return "";
}

async function walkUp(start: string, runner: GitRunner): Promise<LayoutResult> {
  for (let dir = start;;) {
    const found = await describe(dir, runner);
    if (!found.ok || found.layout) return found;
    const up = dirname(dir);
    if (up === dir) return { ok: true, layout: null };
    dir = up;
  }
}

/** The repository whose `.git` is directly in `dir`, if any. */
async function describe(dir: string, runner: GitRunner): Promise<LayoutResult> {
  const dotGit = join(dir, ".git");
  const kind = entryKindSync(dotGit);
  if (kind === "missing" || isPlaceholder(dotGit)) return { ok: true, layout: null };
  if (kind === "symlink") return { ok: false, problem: `${dotGit} is a symbolic link` };
  if (kind === "other") return { ok: false, problem: `${dotGit} is not a file or folder` };
  let gitDir = dotGit;
  let dotGitText = "dir";
  if (kind === "file") {
    const read = await readSmallFile(dotGit, MAX_META);
    if (read.kind !== "ok") return { ok: false, problem: `${dotGit} ${whyOf(read)}` };
    const match = /^gitdir: (.+)$/m.exec(read.text);
    if (!match?.[1]) return { ok: false, problem: `${dotGit} is not a valid "gitdir:" file` };
    dotGitText = read.text.trim();
    gitDir = resolve(dir, match[1].trim());
    if (entryKindSync(gitDir) !== "dir") {
      return { ok: false, problem: `${dotGit} points at ${gitDir}, which is not a folder` };
    }
  } else if (!looksLikeGitDir(gitDir, gitDir)) {
    return { ok: true, layout: null };
  }
  const commondir = await readSmallFile(join(gitDir, "commondir"), MAX_META);
  if (commondir.kind === "bad") {
    return { ok: false, problem: `${join(gitDir, "commondir")} ${commondir.why}` };
  }
  const commondirFile = commondir.kind === "ok" ? commondir.text : null;
  if (commondirFile !== null && kind === "dir") {
    // git writes commondir only into linked worktrees' folders under .git/worktrees/.
    return {
      ok: false,
      problem: `${dotGit}/commondir exists in a main repository (it would redirect config, ` +
        "hooks and refs)",
    };
  }
  const commonDir = commondirFile === null ? gitDir : resolve(gitDir, commondirFile.trim());
  if (!looksLikeGitDir(gitDir, commonDir)) {
    return { ok: false, problem: `${gitDir} is not a git repository` };
  }
  const owner = await ownerProblem(gitDir, runner);
  if (owner) return { ok: false, problem: owner };
  const alt = await readSmallFile(join(commonDir, "objects", "info", "alternates"), MAX_META);
  if (alt.kind === "bad") return { ok: false, problem: `objects/info/alternates ${alt.why}` };
  return {
    ok: true,
    layout: {
      workspace: "",
      toplevel: dir,
      gitDir,
      commonDir,
      dotGit: dotGitText,
      commondirFile,
      alternates: alt.kind === "ok" ? alt.text : null,
      watched: [],
    },
  };
}

function whyOf(read: { kind: "missing" } | { kind: "bad"; why: string }): string {
  return read.kind === "missing" ? "is missing" : read.why;
}

/*
 * The metadata calls below are synchronous: an `lstat` never opens what it
 * looks at and a listing opens a folder non-blocking, so neither can hang on
 * a FIFO, and each costs less than a trip through the thread pool. Their
 * number is bounded by the folders between workspace and top level, never by
 * the workspace's size.
 */

function looksLikeGitDir(gitDir: string, commonDir: string): boolean {
  return entryKindSync(join(gitDir, "HEAD")) === "file" &&
    entryKindSync(join(commonDir, "objects")) === "dir" &&
    entryKindSync(join(commonDir, "refs")) === "dir";
}

/** True when `path` is missing, an empty folder or an empty regular file (the sandbox's placeholder). */
function isPlaceholder(path: string): boolean {
  try {
    const info = Deno.lstatSync(path);
    if (info.isFile) return info.size === 0;
    if (!info.isDirectory) return false;
    for (const _ of Deno.readDirSync(path)) return false;
    return true;
  } catch (err) {
    return err instanceof Deno.errors.NotFound;
  }
}

async function ownerProblem(gitDir: string, runner: GitRunner): Promise<string> {
  const uid = await runner.ownUid();
  if (uid === null) return "";
  try {
    const info = Deno.lstatSync(gitDir);
    if (info.uid !== null && info.uid !== uid) {
      return `${gitDir} is owned by another user (uid ${info.uid}); LAO only uses your own repositories`;
    }
    return "";
  } catch (err) {
    return `cannot inspect ${gitDir} (${errorMessage(err)})`;
  }
}

/** True when `outer`'s index tracks any path inside `ws`. */
async function trackedByOuter(runner: GitRunner, outer: RepoLayout, ws: string): Promise<boolean> {
  const config = await inspectConfig(runner, outer, shown(outer, outer.gitDir));
  if (!config.ok) return false;
  const rel = relative(outer.toplevel, ws);
  const listed = await runner.run(["--literal-pathspecs", "ls-files", "-z", "--", rel], {
    cwd: outer.toplevel,
    pin: pinOf(outer),
  });
  return listed.ok && listed.stdout.length > 0;
}
