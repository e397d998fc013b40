/**
 * Runs `git` with a fixed, hook-free environment.
 *
 * Every call gets a cleared environment rebuilt from a short allow-list
 * (`HOME`, `PATH`, `USER`, …) plus `GIT_TERMINAL_PROMPT=0`, `GIT_PAGER=cat`
 * and `LC_ALL=C`, so no inherited `GIT_DIR`/`GIT_INDEX_FILE` leaks in and
 * output is parseable. Every call also passes `-c core.hooksPath=<empty
 * folder>` and `-c core.fsmonitor=false`: command-line configuration beats a
 * repository's own `.git/config`, so neither planted hooks nor a planted
 * fsmonitor command can run. Failures are returned, never thrown.
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

/** Options for {@linkcode GitRunner}. */
export interface GitRunnerOptions {
  /**
   * An empty folder used as `core.hooksPath`; created when missing. If anything
   * appears inside it, git is not run at all (fail safe).
   */
  hooksDir: string;
  /** Extra or replacement environment variables for git (tests point `HOME` elsewhere). */
  env?: Record<string, string>;
  /** Per-call timeout in milliseconds (default 120 000). */
  timeoutMs?: number;
  /** Program to run (default `git`). */
  program?: string;
}

/** Options for one {@linkcode GitRunner.run} call. */
export interface GitRunOptions {
  /** Working directory for git. */
  cwd: string;
  /** Extra `-c key=value` settings (e.g. a fallback identity). */
  config?: Record<string, string>;
}

/** Variables copied from LAO's own environment (all are in the `lao` permission set). */
const PASSED_VARS = ["HOME", "USERPROFILE", "PATH", "USER", "LANG", "TMPDIR"] as const;

/** Builds the environment for git: allowed variables, overrides, then fixed settings. */
export function gitEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_VARS) {
    try {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    } catch {
      // Not permitted: leave it out.
    }
  }
  return {
    ...env,
    ...overrides,
    GIT_TERMINAL_PROMPT: "0",
    GIT_PAGER: "cat",
    PAGER: "cat",
    LC_ALL: "C",
  };
}

/** Runs git commands with LAO's fixed environment and no hooks. */
export class GitRunner {
  #hooksDir: string;
  #env: Record<string, string>;
  #timeoutMs: number;
  #program: string;
  #missing = false;

  /** Creates a runner; nothing is executed until {@linkcode GitRunner.run}. */
  constructor(options: GitRunnerOptions) {
    this.#hooksDir = options.hooksDir;
    this.#env = gitEnv(options.env);
    this.#timeoutMs = options.timeoutMs ?? 120_000;
    this.#program = options.program ?? "git";
  }

  /** The hook-free folder passed as `core.hooksPath`. */
  get hooksDir(): string {
    return this.#hooksDir;
  }

  /** Runs `git <args>` in `cwd`. Never throws. */
  async run(args: string[], options: GitRunOptions): Promise<GitResult> {
    if (this.#missing) return failure(-1, "", "", "git is not available", true);
    const hooksProblem = await ensureEmptyDir(this.#hooksDir);
    if (hooksProblem) return failure(-1, "", "", hooksProblem, false);
    const config = {
      ...options.config,
      "core.hooksPath": this.#hooksDir,
      "core.fsmonitor": "false",
    };
    const configArgs = Object.entries(config).flatMap(([k, v]) => ["-c", `${k}=${v}`]);
    const fullArgs = ["--no-pager", ...configArgs, ...args];
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    try {
      const out = await new Deno.Command(this.#program, {
        args: fullArgs,
        cwd: options.cwd,
        clearEnv: true,
        env: this.#env,
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

/** Creates `dir` if needed; returns a problem description when it is not an empty folder. */
async function ensureEmptyDir(dir: string): Promise<string> {
  try {
    await Deno.mkdir(dir, { recursive: true });
    for await (const entry of Deno.readDir(dir)) {
      return `Cannot use hooks folder "${dir}": it must be empty but contains "${entry.name}"`;
    }
    return "";
  } catch (err) {
    return `Cannot use hooks folder "${dir}": ${errorMessage(err)}`;
  }
}
