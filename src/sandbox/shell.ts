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
import { isInside, resolveLexical } from "../workspace/path_rules.ts";
import { removeCommandCgroup } from "./cgroup.ts";
import { readParentEnv } from "./env.ts";
import { diskUsage, GrowthWatch } from "./growth.ts";
import { DEFAULT_LIMITS } from "./host_view.ts";
import { limitNotes, timeoutNote } from "./limit_notes.ts";
import { removePlaceholder } from "./linux_view.ts";
import { MemoryWatch } from "./memory_watch.ts";
import { type LogSink, OutputCapture } from "./output_cap.ts";
import { drain, finishDrains } from "./output_drain.ts";
import type { SandboxBackend } from "./probe.ts";
import { delay, killGroup, signalNumber } from "./process_group.ts";
import { type SpawnSpec, spawnSpec } from "./spawn_spec.ts";

export { formatBytes } from "./limit_notes.ts";

/** Resource limits of one command (defaults in {@linkcode DEFAULT_LIMITS}). */
export interface ShellLimits {
  /** Processes alive at once (pids cgroup when one can be made, and RLIMIT_NPROC). */
  processes?: number;
  /**
   * Memory in bytes: of all the command's processes together (memory cgroup,
   * swap off, when one can be made) and the address space of each (RLIMIT_AS).
   */
  memoryBytes?: number;
  /** CPU seconds of each process (RLIMIT_CPU). */
  cpuSeconds?: number;
  /** Largest file a command may write, in bytes (RLIMIT_FSIZE). */
  fileSizeBytes?: number;
  /** Largest growth of the workspace during one command, in bytes (the command is stopped). */
  workspaceGrowthBytes?: number;
  /** Size of each private tmpfs (bwrap), in bytes. */
  tmpfsBytes?: number;
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
  /** Folders never shown even when inside a visible tree (e.g. the config folder). */
  hidden?: readonly string[];
  /** Extra environment variable names passed through (secrets are still dropped). */
  envAllow?: readonly string[];
  /** Real `$HOME` to hide (default: the parent's `HOME`). */
  home?: string;
  /** Reads a parent variable (default: `Deno.env.get`, unreadable = unset). */
  getEnv?: (name: string) => string | undefined;
  /** Resource limits. */
  limits?: ShellLimits;
  /** Longest timeout a caller may ask for, in ms (`tools.shell.timeout_s`); none when absent. */
  maxTimeoutMs?: number;
  /** Characters kept from the start and end of the output (default 2000 each). */
  headChars?: number;
  /** See `headChars`. */
  tailChars?: number;
  /** Grace period between SIGTERM and SIGKILL on timeout, in ms (default 2000). */
  killGraceMs?: number;
  /** Opens the full-output log (default: create the file); tests inject failures here. */
  openLog?: (path: string) => Promise<LogSink & { close(): void }>;
}

/** One command to run. */
export interface ShellRunOptions {
  /** The command line, run with `/bin/sh -c`. */
  command: string;
  /** Wall-clock timeout in milliseconds (capped by `maxTimeoutMs`). */
  timeoutMs: number;
  /** Workspace-relative working folder (default the root). */
  cwd?: string;
  /** Folder for the full output log (created if missing); no log when absent. */
  logDir?: string;
  /** Aborts the command (kills its group, then throws InterruptedError). */
  signal?: AbortSignal;
  /** Longest timeout for this command, in ms (overrides the runner's `maxTimeoutMs`). */
  maxTimeoutMs?: number;
}

/** The outcome of one command. */
export interface ShellResult {
  /** Exit code (128+signal when killed). */
  exitCode: number;
  /** Capped output (stdout and stderr interleaved), for the model. */
  output: string;
  /** Full output log, when a log folder was given and could be written. */
  logPath?: string;
  /** True when the command hit its timeout and was killed. */
  timedOut: boolean;
  /** The sandbox status line. */
  sandbox: string;
  /** One line per limit that acted (timeout capped, a limit reached, log not written). */
  notes: string[];
}

/** Formats a result for the model; the text starts with the sandbox status line. */
export function formatShellResult(r: ShellResult): string {
  const head = r.timedOut
    ? `exit code: ${r.exitCode} (timed out, killed)`
    : `exit code: ${r.exitCode}`;
  const log = r.logPath === undefined ? "" : `\nfull log: ${r.logPath}`;
  const notes = r.notes.map((n) => `\nnote: ${n}`).join("");
  return `${r.sandbox}\n${head}${notes}${log}\n${r.output}`;
}

/** The watches running beside one command (stopped when it ends). */
interface Watches {
  growth?: GrowthWatch;
  memory?: MemoryWatch;
}

/** How the command ended. */
interface Ended {
  status: Deno.CommandStatus;
  timedOut: boolean;
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

  /** The effective limits. */
  get limits(): Required<ShellLimits> {
    return { ...DEFAULT_LIMITS, ...this.#o.limits };
  }

  /** Opens the log file; a failure (e.g. a full disk) gives a note instead of an error. */
  async #openLog(logDir: string, notes: string[]) {
    try {
      await Deno.mkdir(logDir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      const path = join(logDir, `shell-${stamp}-${crypto.randomUUID().slice(0, 8)}.log`);
      const open = this.#o.openLog ??
        ((p: string) => Deno.open(p, { write: true, createNew: true }));
      return { path, file: await open(path) };
    } catch (err) {
      notes.push(`the full log was not written (${(err as Error).message})`);
      return undefined;
    }
  }

  /** Runs one command and returns its capped result. Never throws for a failing command. */
  async run(opts: ShellRunOptions): Promise<ShellResult> {
    const notes: string[] = [];
    const max = opts.maxTimeoutMs ?? this.#o.maxTimeoutMs;
    const lowered = timeoutNote(opts.timeoutMs, max);
    if (lowered !== undefined) notes.push(lowered);
    const timeoutMs = lowered !== undefined && max !== undefined ? max : opts.timeoutMs;
    const cwd = await this.#cwd(opts.cwd);
    const input = { options: this.#o, getEnv: this.#getEnv, limits: this.limits };
    const spec = await spawnSpec(input, opts.command, cwd);
    const log = opts.logDir === undefined ? undefined : await this.#openLog(opts.logDir, notes);
    const watches: Watches = {};
    try {
      const capture = new OutputCapture({
        head: this.#o.headChars,
        tail: this.#o.tailChars,
        log: log?.file,
      });
      const { status, timedOut } = await this.#supervise(spec, cwd, capture, timeoutMs, {
        watches,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      if (opts.signal?.aborted) throw new InterruptedError();
      const exitCode = status.signal !== null ? 128 + signalNumber(status.signal) : status.code;
      notes.push(...await this.#notesAfter(spec, watches, exitCode, capture.text()));
      if (capture.logError !== undefined) {
        notes.push(`the full log is incomplete (${capture.logError})`);
      }
      return {
        exitCode,
        output: capture.text(),
        ...(log !== undefined && capture.logError === undefined ? { logPath: log.path } : {}),
        timedOut,
        sandbox: this.#o.statusLine,
        notes,
      };
    } finally {
      await watches.growth?.stop();
      await watches.memory?.stop();
      try {
        log?.file.close();
      } catch {
        // Already closed, or the disk is gone.
      }
      if (spec.cgroup !== undefined) await removeCommandCgroup(spec.cgroup);
      await removePlaceholder(spec.placeholder);
    }
  }

  /**
   * Spawns the command and waits for it under its timeout, the caller's
   * signal and the limit watches (any of which stops its group), then for
   * its output.
   */
  async #supervise(
    spec: SpawnSpec,
    cwd: string,
    capture: OutputCapture,
    timeoutMs: number,
    on: { watches: Watches; signal?: AbortSignal },
  ): Promise<Ended> {
    const { watches, signal } = on;
    const root = this.#o.root;
    const baseline = this.#o.backend.kind !== "none" ? await diskUsage(root) : undefined;
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
    const drains = [drain(child.stdout, capture), drain(child.stderr, capture)];
    let timedOut = false;
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= this.#stop(child);
      return stopping;
    };
    if (baseline !== undefined) {
      watches.growth = new GrowthWatch(root, baseline, this.limits.workspaceGrowthBytes, stop);
    }
    if (spec.cgroup?.memory !== undefined) watches.memory = new MemoryWatch(spec.cgroup, stop);
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, timeoutMs);
    const onAbort = () => stop();
    signal?.addEventListener("abort", onAbort, { once: true });
    const status = await child.status;
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    await watches.growth?.stop();
    await watches.memory?.stop();
    await stopping;
    await finishDrains(child.pid, drains);
    return { status, timedOut };
  }

  /** The notes of the limits that acted; removes the command's cgroup to read its events. */
  async #notesAfter(
    spec: SpawnSpec,
    watches: Watches,
    exitCode: number,
    output: string,
  ): Promise<string[]> {
    const limits = this.limits;
    const notes: string[] = [];
    if (watches.growth?.exceeded) notes.push(...limitNotes(limits, { growth: true }));
    if (spec.cgroup !== undefined) {
      const events = await removeCommandCgroup(spec.cgroup);
      spec.cgroup = undefined;
      if (watches.memory?.killed) events.oomKills = Math.max(1, events.oomKills);
      notes.push(...limitNotes(limits, events));
    }
    if (this.#o.backend.kind !== "none") {
      notes.push(...limitNotes(limits, { exitCode, output }));
    }
    return notes;
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
