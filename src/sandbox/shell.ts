/**
 * The shell tool runner: runs one `sh -c` command in the workspace under the
 * probed OS sandbox (bubblewrap or Seatbelt), or unsandboxed only when the
 * policy allowed it. The environment is cleared to an allowlist, stdin is
 * null, the command gets its own session/process group, and the whole group
 * is killed on timeout. Output is streamed into a head+tail summary for the
 * model and a full log file.
 *
 * There is deliberately no way to rerun a failed sandboxed command without
 * the sandbox: the backend is fixed when the runner is built.
 *
 * No-sandbox limitation: the group kill reaches every process that stayed in
 * the command's process group; a process that calls `setsid` itself escapes
 * it (under bwrap the pid namespace ends all of them).
 *
 * @module
 */
import { join } from "node:path";
import { InterruptedError } from "../errors.ts";
import { bwrapArgs } from "./bwrap.ts";
import { buildShellEnv, readParentEnv } from "./env.ts";
import { OutputCapture } from "./output_cap.ts";
import { isInside, resolveLexical } from "./path_rules.ts";
import type { SandboxBackend } from "./probe.ts";
import { seatbeltArgs } from "./seatbelt.ts";
import { delay, killGroup, signalNumber } from "./process_group.ts";

/** Resource limits applied with `prlimit` (Linux, when present). */
export interface ShellLimits {
  /** Largest file a command may write, in bytes (default 1 GiB). */
  fileSizeBytes?: number;
  /** Process count limit (RLIMIT_NPROC, per user; default 4096). */
  processes?: number;
}

/** Options of {@linkcode ShellRunner}. */
export interface ShellRunnerOptions {
  /** Real path of the workspace. */
  root: string;
  /** Backend to use; `none` runs commands unsandboxed (the policy decides if that is allowed). */
  backend: SandboxBackend;
  /** The status line heading every result. */
  statusLine: string;
  /** Network access for sandboxed commands. */
  network: boolean;
  /** Absolute folders under `$HOME` shown read-only (bwrap). */
  homeAllow?: readonly string[];
  /** Extra environment variable names passed through (secrets are still dropped). */
  envAllow?: readonly string[];
  /** Real `$HOME` to hide (default: the parent's `HOME`). */
  home?: string;
  /** Reads a parent variable (default: `Deno.env.get`, unreadable = unset). */
  getEnv?: (name: string) => string | undefined;
  /** Resource limits. */
  limits?: ShellLimits;
  /** Characters kept from the start and end of the output (default 2000 each). */
  headChars?: number;
  /** See `headChars`. */
  tailChars?: number;
  /** Grace period between SIGTERM and SIGKILL on timeout, in ms (default 2000). */
  killGraceMs?: number;
}

/** One command to run. */
export interface ShellRunOptions {
  /** The command line, run with `/bin/sh -c`. */
  command: string;
  /** Wall-clock timeout in milliseconds. */
  timeoutMs: number;
  /** Workspace-relative working folder (default the root). */
  cwd?: string;
  /** Folder for the full output log (created if missing); no log when absent. */
  logDir?: string;
  /** Aborts the command (kills its group, then throws InterruptedError). */
  signal?: AbortSignal;
}

/** The outcome of one command. */
export interface ShellResult {
  /** Exit code (128+signal when killed). */
  exitCode: number;
  /** Capped output (stdout and stderr interleaved), for the model. */
  output: string;
  /** Full output log, when a log folder was given. */
  logPath?: string;
  /** True when the command hit its timeout and was killed. */
  timedOut: boolean;
  /** The sandbox status line. */
  sandbox: string;
}

/** Formats a result for the model; the text starts with the sandbox status line. */
export function formatShellResult(r: ShellResult): string {
  const head = r.timedOut
    ? `exit code: ${r.exitCode} (timed out, killed)`
    : `exit code: ${r.exitCode}`;
  const log = r.logPath === undefined ? "" : `\nfull log: ${r.logPath}`;
  return `${r.sandbox}\n${head}${log}\n${r.output}`;
}

/** Reads a stream into the capture until it ends or is cancelled. */
function drain(stream: ReadableStream<Uint8Array>, capture: OutputCapture) {
  const reader = stream.getReader();
  const done = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      await capture.push(value);
    }
  })();
  return { done, cancel: () => reader.cancel().catch(() => {}) };
}

/** Runs shell commands in one workspace under one fixed backend. */
export class ShellRunner {
  #o: ShellRunnerOptions;
  #getEnv: (name: string) => string | undefined;

  /** Creates a runner; the backend cannot be changed afterwards. */
  constructor(options: ShellRunnerOptions) {
    this.#o = options;
    this.#getEnv = options.getEnv ?? readParentEnv;
  }

  /** The status line heading every result. */
  get statusLine(): string {
    return this.#o.statusLine;
  }

  /** Finds `.git/hooks`, `.git/config` (and `.git` itself) to protect inside the workspace. */
  async #protectedMounts(): Promise<{ readOnly: string[]; empty: string[]; pinned: string[] }> {
    const root = this.#o.root;
    const readOnly: string[] = [];
    const empty: string[] = [];
    const pinned: string[] = [];
    const git = join(root, ".git");
    const gitInfo = await Deno.lstat(git).catch(() => undefined);
    if (gitInfo?.isDirectory) {
      pinned.push(git); // a mount point cannot be renamed away (`mv .git x` fails)
      for (const name of ["hooks", "config"]) {
        const p = join(git, name);
        const real = await Deno.realPath(p).catch(() => undefined);
        if (real === undefined) {
          if (name === "hooks" && !(await Deno.lstat(p).catch(() => undefined))) empty.push(p);
        } else if (isInside(root, real)) {
          readOnly.push(real);
        }
      }
    }
    for (const name of [".lao"]) {
      const real = await Deno.realPath(join(root, name)).catch(() => undefined);
      if (real !== undefined && isInside(root, real)) readOnly.push(real);
    }
    return { readOnly, empty, pinned };
  }

  /** Builds program, args and env for `command` under the backend. */
  async #spawnSpec(command: string, cwd: string) {
    const o = this.#o;
    const b = o.backend;
    const home = o.home ?? this.#getEnv("HOME");
    const envInput = {
      getEnv: this.#getEnv,
      envAllow: o.envAllow ?? [],
      networkDisabled: b.kind !== "none" && !o.network,
    };
    if (b.kind === "bwrap") {
      const m = await this.#protectedMounts();
      const args = bwrapArgs({
        root: o.root,
        home,
        homeAllow: o.homeAllow ?? [],
        pinned: m.pinned,
        readOnly: m.readOnly,
        emptyReadOnly: m.empty,
        network: o.network,
        cwd,
      }, command);
      const env = buildShellEnv({
        ...envInput,
        home: home ?? o.root,
        tmpdir: "/tmp",
        sandbox: "bwrap",
      });
      if (b.prlimit === undefined) return { program: b.path, args, env };
      const fsize = o.limits?.fileSizeBytes ?? 1024 ** 3;
      const nproc = o.limits?.processes ?? 4096;
      return {
        program: b.prlimit,
        args: [`--fsize=${fsize}`, `--nproc=${nproc}`, "--", b.path, ...args],
        env,
      };
    }
    const tmpdir = this.#getEnv("TMPDIR") ?? "/tmp";
    if (b.kind === "seatbelt") {
      const args = seatbeltArgs({
        root: o.root,
        tmp: await Deno.realPath(tmpdir),
        home,
        network: o.network,
      }, command);
      const env = buildShellEnv({ ...envInput, home: home ?? o.root, tmpdir, sandbox: "seatbelt" });
      return { program: b.path, args, env };
    }
    const env = buildShellEnv({ ...envInput, home: home ?? o.root, tmpdir, sandbox: "none" });
    return { program: "sh", args: ["-c", command], env };
  }

  /** Runs one command and returns its capped result. Never throws for a failing command. */
  async run(opts: ShellRunOptions): Promise<ShellResult> {
    const cwd = await this.#cwd(opts.cwd);
    const spec = await this.#spawnSpec(opts.command, cwd);
    let log: Deno.FsFile | undefined;
    let logPath: string | undefined;
    if (opts.logDir !== undefined) {
      await Deno.mkdir(opts.logDir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      logPath = join(opts.logDir, `shell-${stamp}-${crypto.randomUUID().slice(0, 8)}.log`);
      log = await Deno.open(logPath, { write: true, createNew: true });
    }
    try {
      const capture = new OutputCapture({ head: this.#o.headChars, tail: this.#o.tailChars, log });
      const child = new Deno.Command(spec.program, {
        args: spec.args,
        cwd,
        env: spec.env,
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        detached: true,
      }).spawn();
      const out = drain(child.stdout, capture);
      const err = drain(child.stderr, capture);
      let timedOut = false;
      let stopping: Promise<void> | undefined;
      const stop = () => {
        stopping ??= this.#stop(child);
        return stopping;
      };
      const timer = setTimeout(() => {
        timedOut = true;
        stop();
      }, opts.timeoutMs);
      const onAbort = () => stop();
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      const status = await child.status;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      await stopping;
      // Group members that escaped the kill may still hold the pipes: stop waiting for them.
      const grace = delay(1000);
      const drained = Promise.all([out.done, err.done]).then(() => true);
      const finished = await Promise.race([drained, grace.promise.then(() => false)]);
      grace.clear();
      if (!finished) {
        await killGroup(child.pid, "KILL");
        await Promise.all([out.cancel(), err.cancel()]);
        await Promise.allSettled([out.done, err.done]);
      }
      if (opts.signal?.aborted) throw new InterruptedError();
      return {
        exitCode: status.signal !== null ? 128 + signalNumber(status.signal) : status.code,
        output: capture.text(),
        logPath,
        timedOut,
        sandbox: this.#o.statusLine,
      };
    } finally {
      log?.close();
    }
  }

  /** SIGTERM the group, then SIGKILL after the grace period if it is still alive. */
  async #stop(child: Deno.ChildProcess): Promise<void> {
    await killGroup(child.pid, "TERM");
    let exited = false;
    const grace = delay(this.#o.killGraceMs ?? 2000);
    await Promise.race([
      child.status.then(() => {
        exited = true;
      }),
      grace.promise,
    ]);
    grace.clear();
    if (!exited) {
      await killGroup(child.pid, "KILL");
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }

  /** Resolves the working folder; it must stay inside the workspace. */
  async #cwd(rel: string | undefined): Promise<string> {
    if (rel === undefined) return this.#o.root;
    const abs = resolveLexical(this.#o.root, rel);
    if (typeof abs !== "string") throw new Error(`Cannot run in "${rel}": ${abs.reason}`);
    const real = await Deno.realPath(abs);
    if (!isInside(this.#o.root, real)) {
      throw new Error(`Cannot run in "${rel}": path resolves outside the workspace`);
    }
    return real;
  }
}
