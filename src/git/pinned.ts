/**
 * Git calls pinned to a workspace's recorded repository: {@linkcode openRepo}
 * finds the repository (or the record LAO made of it) and
 * {@linkcode pinnedGit} re-checks the layout and config before every call,
 * refusing with one line when anything drifted (see `layout.ts`).
 *
 * @module
 */
import { errorMessage } from "../errors.ts";
import { findLayout, layoutDrift, pinOf, type RepoLayout } from "./layout.ts";
import { loadRecord, saveRecord } from "./layout_record.ts";
import type { GitResult, GitRunner } from "./runner.ts";
import { specialFileProblem } from "./special_files.ts";

/** Outcome of {@linkcode openRepo}: a layout (`null`: no repository) or a refusal. */
export type OpenedRepo =
  | { ok: true; layout: RepoLayout | null; workspace: string }
  | { ok: false; problem: string };

/** The one-line message for a refused repository. */
export function refusal(problem: string): string {
  return `Refusing to run git for this workspace: ${problem}`;
}

/**
 * Opens the repository of `workspace`: the recorded layout when LAO met it
 * before (checked for drift), else the one found now (then recorded). Never throws.
 */
export async function openRepo(workspace: string, runner: GitRunner): Promise<OpenedRepo> {
  let ws: string;
  try {
    ws = await Deno.realPath(workspace);
  } catch (err) {
    return { ok: false, problem: refusal(`cannot resolve ${workspace} (${errorMessage(err)})`) };
  }
  const record = await loadRecord(runner.layoutDir, ws);
  if (record.kind === "bad") return { ok: false, problem: refusal(record.problem) };
  if (record.kind === "ok") {
    const drift = await layoutDrift(record.layout, runner);
    if (drift) return { ok: false, problem: refusal(drift) };
    return { ok: true, layout: record.layout, workspace: ws };
  }
  const found = await findLayout(ws, runner);
  if (!found.ok) return { ok: false, problem: refusal(found.problem) };
  if (!found.layout) return { ok: true, layout: null, workspace: ws };
  const layout = { ...found.layout, workspace: ws };
  const saved = await saveRecord(runner.layoutDir, layout);
  if (saved) return { ok: false, problem: refusal(saved) };
  return { ok: true, layout, workspace: ws };
}

/**
 * Runs `git <args>` in the workspace, pinned to `layout`, after checking it
 * did not drift and holds no FIFO, socket or device git would block on.
 */
export async function pinnedGit(
  runner: GitRunner,
  layout: RepoLayout,
  args: string[],
  config?: Record<string, string>,
): Promise<GitResult> {
  // Both checks only read: they run side by side, the layout's problem named first.
  const [layoutProblem, special] = await Promise.all([
    layoutDrift(layout, runner),
    specialFileProblem(layout.workspace),
  ]);
  const drift = layoutProblem || special;
  if (drift) {
    const error = refusal(drift);
    return { ok: false, code: -1, stdout: "", stderr: "", error, silent: false };
  }
  return await runner.run(args, { cwd: layout.workspace, pin: pinOf(layout), config });
}

/** Settings LAO takes from the user's own git configuration and passes explicitly. */
export interface UserSettings {
  /** `user.name`, `user.email` (the fallback identity for what is not configured). */
  identity: Record<string, string>;
  /** True when part of the identity is the fallback. */
  fallback: boolean;
  /** `core.excludesFile` when the user set one. */
  config: Record<string, string>;
}

/** Fallback identity used when git has none configured. */
export const FALLBACK_IDENTITY = { name: "LAO", email: "lao@localhost" } as const;

/**
 * The keys LAO reads from the user's configuration, as one `git config
 * --get-regexp` pattern: identity, excludes file and the branch a new
 * repository starts on.
 */
export const USER_KEYS = "^(user\\.name|user\\.email|core\\.excludesfile|init\\.defaultbranch)$";

/**
 * Reads identity and excludes file from the user's system, global and the
 * repository's own config (after the repository's config was checked);
 * `git config` runs no program. One process lists the keys ({@linkcode USER_KEYS}),
 * none when `values` holds them already (a repository LAO has just made has
 * no keys of its own); a second one, only for an excludes file written with
 * `~` or `%(prefix)`, has git expand that path. Never throws.
 */
export async function userSettings(
  runner: GitRunner,
  layout: RepoLayout,
  values?: ReadonlyMap<string, string>,
): Promise<UserSettings> {
  const read = async (args: string[]) => {
    if (await layoutDrift(layout, runner)) return null;
    const out = await runner.run(["config", "--includes", ...args], {
      cwd: layout.workspace,
      pin: pinOf(layout),
      userConfig: true,
    });
    return out.ok ? out.stdout : null;
  };
  values ??= lastValues(await read(["-z", "--get-regexp", USER_KEYS]) ?? "");
  const name = clean(values.get("user.name") ?? "");
  const email = clean(values.get("user.email") ?? "");
  let excludes = clean(values.get("core.excludesfile") ?? "");
  if (/^(~|%\(prefix\))/.test(excludes)) {
    excludes = clean(await read(["--path", "--get", "core.excludesFile"]) ?? "");
  }
  return {
    identity: {
      "user.name": name || FALLBACK_IDENTITY.name,
      "user.email": email || FALLBACK_IDENTITY.email,
    },
    fallback: !name || !email,
    config: excludes ? { "core.excludesFile": excludes } : {},
  };
}

/** The last value of each key of `git config -z --get-regexp` output (as `--get` would pick). */
export function lastValues(stdout: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const record of stdout.split("\0")) {
    if (record === "") continue;
    const cut = record.indexOf("\n");
    values.set(cut < 0 ? record : record.slice(0, cut), cut < 0 ? "" : record.slice(cut + 1));
  }
  return values;
}

/** One line without control characters or angle brackets (git rejects those in identities). */
function clean(text: string): string {
  return text.trim().split("\n")[0]!.replace(/[\p{Cc}<>]/gu, "").trim();
}
