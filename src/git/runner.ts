/**
 * Runs `git` so that nothing the workspace holds can make it run a program.
 *
 * LAO's git runs outside the sandbox, as the user, on repository metadata
 * that model-driven code may have written. The runner makes every call
 * immune to that by construction; it never relies on git's defaults:
 *
 * - **No discovery.** A call is pinned to one repository with `GIT_DIR`,
 *   `GIT_COMMON_DIR` and `GIT_WORK_TREE` ({@linkcode GitPin}, recorded by
 *   `layout.ts` when LAO created or first found the repository), so a `.git`
 *   planted in the workspace, a `.git/commondir` file or `core.worktree` are
 *   never followed. A call without a pin gets a `GIT_DIR` that cannot exist.
 * - **No configuration but the repository's own, checked.** The environment
 *   is cleared and rebuilt from a short allow-list, with
 *   `GIT_CONFIG_NOSYSTEM`, `GIT_CONFIG_SYSTEM`/`GIT_CONFIG_GLOBAL=/dev/null`
 *   and `GIT_ATTR_NOSYSTEM`; values LAO wants from the user's own
 *   configuration (identity, excludes file) are read once and passed as
 *   `-c`. The repository's config is checked by `config_guard.ts` before
 *   every call (programs named by attribute drivers, includes and hooks are
 *   refused).
 * - **Fixed overrides for every program git can be told to run by a key of
 *   fixed name** ({@linkcode FIXED_CONFIG}): command-line `-c` beats every
 *   config file and the `GIT_*` program variables beat config, so hooks,
 *   fsmonitor, signing programs, editors, pagers, network transports
 *   (`protocol.allow=never`, which also stops ssh, proxies, `uploadpack` and
 *   credential helpers), automatic gc and submodule recursion are off on
 *   every call, whatever the repository says.
 *
 * Failures are returned, never thrown.
 *
 * @module
 */
import { errorMessage } from "../errors.ts";

/** Outcome of one git invocation. */
export interface GitResult {
  /** True when git ran and exited with status 0. */
  ok: boolean;
  /** Exit code (`-1` when git could not be started). */
  code: number;
  /** Captured standard output. */
  stdout: string;
  /** Captured standard error. */
  stderr: string;
  /** One-line description of the failure; empty when `ok`. */
  error: string;
  /** True when this failure was already reported once (e.g. git missing) and should not be repeated. */
  silent: boolean;
}

/** The repository a call is pinned to (absolute paths). */
export interface GitPin {
  /** `GIT_DIR`: the repository's git folder (for a linked worktree, its own folder). */
  gitDir: string;
  /** `GIT_COMMON_DIR`: where config, objects and refs live (equal to `gitDir` for a plain repository). */
  commonDir: string;
  /** `GIT_WORK_TREE`: the repository's top-level folder. */
  workTree: string;
}

/** Options for {@linkcode GitRunner}. */
export interface GitRunnerOptions {
  /**
   * An empty folder used as `core.hooksPath`; created when missing. If anything
   * appears inside it, git is not run at all (fail safe).
   */
  hooksDir: string;
  /**
   * Where LAO records the layout of each repository it created or first found
   * (default: `git-layouts` beside `hooksDir`). Must not be visible to the sandbox.
   */
  layoutDir?: string;
  /** Extra or replacement environment variables for git (tests point `HOME` elsewhere). */
  env?: Record<string, string>;
  /** Per-call timeout in milliseconds (default 120 000). */
  timeoutMs?: number;
  /** Program to run (default `git`). */
  program?: string;
}

/** Options for one {@linkcode GitRunner.run} call. */
export interface GitRunOptions {
  /** Working directory for git (inside `pin.workTree` when pinned). */
  cwd: string;
  /** The repository to use; without it git sees no repository at all. */
  pin?: GitPin;
  /** Extra `-c key=value` settings (e.g. identity); {@linkcode FIXED_CONFIG} always wins. */
  config?: Record<string, string>;
  /**
   * Let git read the user's system and global configuration (only for
   * `git config --get` of values LAO then passes explicitly).
   */
  userConfig?: boolean;
}

/** A `GIT_DIR` that cannot exist, for calls that must see no repository. */
export const NO_REPOSITORY = "/dev/null/lao-no-repository";

/** A program path that cannot be executed (a file below `/dev/null`). */
const NO_PROGRAM = "/dev/null/lao-no-program";

/**
 * `-c` settings on every call, after the caller's: each key names a program
 * (or turns one on) and has a fixed name, so an override covers it whatever
 * the repository's config says.
 */
export const FIXED_CONFIG: Readonly<Record<string, string>> = {
  "core.fsmonitor": "false",
  "core.attributesFile": "/dev/null",
  "core.editor": ":",
  "core.pager": "cat",
  "core.askPass": "",
  "core.sshCommand": NO_PROGRAM,
  "sequence.editor": ":",
  "commit.gpgSign": "false",
  "tag.gpgSign": "false",
  "log.showSignature": "false",
  "gpg.program": NO_PROGRAM,
  "gpg.openpgp.program": NO_PROGRAM,
  "gpg.x509.program": NO_PROGRAM,
  "gpg.ssh.program": NO_PROGRAM,
  "gpg.ssh.defaultKeyCommand": NO_PROGRAM,
  "protocol.allow": "never",
  "credential.helper": "",
  "gc.auto": "0",
  "maintenance.auto": "false",
  "submodule.recurse": "false",
  "diff.ignoreSubmodules": "all",
  "status.submoduleSummary": "false",
};

/** Variables copied from LAO's own environment (all are in the `lao` permission set). */
const PASSED_VARS = ["HOME", "USERPROFILE", "PATH", "USER", "LANG", "TMPDIR"] as const;

/** Environment settings on every call (after the caller's overrides). */
const FIXED_ENV: Readonly<Record<string, string>> = {
  GIT_TERMINAL_PROMPT: "0",
  GIT_PAGER: "cat",
  PAGER: "cat",
  GIT_EDITOR: ":",
  GIT_SEQUENCE_EDITOR: ":",
  GIT_ASKPASS: "",
  SSH_ASKPASS: "",
  GIT_ATTR_NOSYSTEM: "1",
  GIT_NO_REPLACE_OBJECTS: "1",
  GIT_NO_LAZY_FETCH: "1",
  GIT_PROTOCOL_FROM_USER: "0",
  GIT_OPTIONAL_LOCKS: "0",
  LC_ALL: "C",
};

/** Settings that keep system and global configuration out (dropped for `userConfig` calls). */
const NO_USER_CONFIG: Readonly<Record<string, string>> = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_SYSTEM: "/dev/null",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

/** Builds the environment for git: allowed variables, overrides, then fixed settings. */
export function gitEnv(
  overrides: Record<string, string> = {},
  pin?: GitPin,
  userConfig = false,
): Record<string, string> {
  return pinnedEnv(baseEnv(overrides, userConfig), pin);
}

/** The allowed variables, the overrides and the fixed settings: all but the pin. */
function baseEnv(overrides: Record<string, string>, userConfig: boolean): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_VARS) {
    try {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    } catch {
      // Not permitted: leave it out.
    }
  }
  return { ...env, ...overrides, ...(userConfig ? {} : NO_USER_CONFIG), ...FIXED_ENV };
}

/** `base` with the repository variables of `pin` last (a call without a pin sees no repository). */
function pinnedEnv(base: Record<string, string>, pin?: GitPin): Record<string, string> {
  const where: Record<string, string> = pin
    ? { GIT_DIR: pin.gitDir, GIT_COMMON_DIR: pin.commonDir, GIT_WORK_TREE: pin.workTree }
    : { GIT_DIR: NO_REPOSITORY };
  return { ...base, ...where };
}

/**
 * `-c` arguments: the caller's settings, then {@linkcode FIXED_CONFIG} and the
 * hooks folder, which replace any of the caller's keys of the same name
 * (each key once, in the order an object spread of the three would give).
 */
function configArgs(fixedArgs: readonly string[], config?: Record<string, string>): string[] {
  const out: string[] = [];
  if (config) {
    for (const [k, v] of Object.entries(config)) {
      if (Object.hasOwn(FIXED_CONFIG, k) || k === "core.hooksPath") continue;
      out.push("-c", `${k}=${v}`);
    }
  }
  return out.length === 0 ? [...fixedArgs] : [...out, ...fixedArgs];
}

/** Runs git commands with LAO's fixed environment, pinned to one repository. */
export class GitRunner {
  #hooksDir: string;
  #layoutDir: string;
  #env: Record<string, string>;
  #timeoutMs: number;
  #program: string;
  #missing = false;
  #uid: number | null | undefined;
  /** `--no-pager` and the fixed `-c` arguments, built once. */
  #fixedArgs: readonly string[];
  /** The environment without the pin, per `userConfig`, built on first use. */
  #baseEnv = new Map<boolean, Record<string, string>>();
  /** The program as spawned: `program` found on `PATH` once (fewer lookups per spawn). */
  #resolved: string | undefined;

  /** Creates a runner; nothing is executed until {@linkcode GitRunner.run}. */
  constructor(options: GitRunnerOptions) {
    this.#hooksDir = options.hooksDir;
    this.#layoutDir = options.layoutDir ?? siblingDir(options.hooksDir, "git-layouts");
    this.#env = { ...options.env };
    this.#timeoutMs = options.timeoutMs ?? 120_000;
    this.#program = options.program ?? "git";
    const fixed = { ...FIXED_CONFIG, "core.hooksPath": this.#hooksDir };
    this.#fixedArgs = Object.entries(fixed).flatMap(([k, v]) => ["-c", `${k}=${v}`]);
  }

  /** The hook-free folder passed as `core.hooksPath`. */
  get hooksDir(): string {
    return this.#hooksDir;
  }

  /** The folder holding LAO's repository layout records. */
  get layoutDir(): string {
    return this.#layoutDir;
  }

  /**
   * LAO's own user id, read as the owner of the hooks folder LAO creates
   * (no `sys` permission needed); `null` where the platform has none.
   */
  async ownUid(): Promise<number | null> {
    if (this.#uid === undefined) {
      try {
        await Deno.mkdir(this.#hooksDir, { recursive: true });
        this.#uid = (await Deno.lstat(this.#hooksDir)).uid;
      } catch {
        this.#uid = null;
      }
    }
    return this.#uid;
  }

  /** Runs `git <args>` in `cwd`. Never throws. */
  async run(args: string[], options: GitRunOptions): Promise<GitResult> {
    if (this.#missing) return failure(-1, "", "", "git is not available", true);
    const hooksProblem = ensureEmptyDir(this.#hooksDir);
    if (hooksProblem) return failure(-1, "", "", hooksProblem, false);
    const fullArgs = ["--no-pager", ...configArgs(this.#fixedArgs, options.config), ...args];
    const userConfig = options.userConfig ?? false;
    let base = this.#baseEnv.get(userConfig);
    if (!base) this.#baseEnv.set(userConfig, base = baseEnv(this.#env, userConfig));
    this.#resolved ??= onPath(this.#program, base.PATH);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    try {
      const out = await new Deno.Command(this.#resolved, {
        args: fullArgs,
        cwd: options.cwd,
        clearEnv: true,
        env: pinnedEnv(base, options.pin),
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: controller.signal,
      }).output();
      const stdout = new TextDecoder().decode(out.stdout);
      const stderr = new TextDecoder().decode(out.stderr);
      if (out.success) return { ok: true, code: 0, stdout, stderr, error: "", silent: false };
      const detail = firstLine(stderr) || firstLine(stdout) || `exit code ${out.code}`;
      const what = controller.signal.aborted ? "timed out" : detail;
      return failure(out.code, stdout, stderr, `"git ${args[0] ?? ""}" failed: ${what}`, false);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        this.#missing = true;
        return failure(-1, "", "", `Cannot run "${this.#program}": not found on PATH`, false);
      }
      return failure(-1, "", "", `Cannot run "${this.#program}": ${errorMessage(err)}`, false);
    } finally {
      clearTimeout(timer);
    }
  }
}

function siblingDir(dir: string, name: string): string {
  const trimmed = dir.replace(/[\\/]+$/, "");
  const cut = Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\"));
  return cut < 0 ? name : `${trimmed.slice(0, cut)}/${name}`;
}

function failure(
  code: number,
  stdout: string,
  stderr: string,
  error: string,
  silent: boolean,
): GitResult {
  return { ok: false, code, stdout, stderr, error, silent };
}

function firstLine(text: string): string {
  return text.split("\n").map((l) => l.trim()).find((l) => l.length > 0) ?? "";
}

/**
 * Creates `dir` if needed; returns a problem description when it is not an
 * empty folder. Listing comes first: one file operation per git call in the
 * usual case (the folder exists), the creation only when it is missing. Both
 * are synchronous: listing LAO's own empty folder costs less than a trip
 * through the file-system thread pool.
 */
function ensureEmptyDir(dir: string): string {
  try {
    try {
      return firstEntry(dir);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    Deno.mkdirSync(dir, { recursive: true });
    return firstEntry(dir);
  } catch (err) {
    return `Cannot use hooks folder "${dir}": ${errorMessage(err)}`;
  }
}

/** The problem of `dir` holding an entry, `""` when it is empty; throws when it cannot be listed. */
function firstEntry(dir: string): string {
  for (const entry of Deno.readDirSync(dir)) {
    return `Cannot use hooks folder "${dir}": it must be empty but contains "${entry.name}"`;
  }
  return "";
}

/**
 * `program` as an absolute path when it is a bare name found in a folder of
 * `path` (the `PATH` git gets), so each spawn skips the search; otherwise
 * unchanged (a name not found then fails at the spawn, as before).
 */
function onPath(program: string, path: string | undefined): string {
  if (program.includes("/") || program.includes("\\") || !path) return program;
  for (const dir of path.split(":")) {
    if (!dir.startsWith("/")) continue;
    const candidate = `${dir.replace(/\/+$/, "")}/${program}`;
    try {
      const info = Deno.statSync(candidate);
      if (info.isFile && (info.mode === null || (info.mode & 0o111) !== 0)) return candidate;
    } catch {
      // Not there (or not visible): the next folder.
    }
  }
  return program;
}
