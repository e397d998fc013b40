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
import {
  cgroupLauncher,
  type CommandCgroup,
  createCommandCgroup,
  removeCommandCgroup,
} from "./cgroup.ts";
import { buildShellEnv, readParentEnv } from "./env.ts";
import { diskUsage, GrowthWatch } from "./growth.ts";
import { DEFAULT_LIMITS, LINUX_READ_ONLY } from "./host_view.ts";
import {
  etcMasks,
  hiddenFolders,
  removePlaceholder,
  systemEntries,
  workspaceMounts,
} from "./linux_view.ts";
import { MemoryWatch } from "./memory_watch.ts";
import { type LogSink, OutputCapture } from "./output_cap.ts";
import { isInside, resolveLexical } from "../workspace/path_rules.ts";
import type { SandboxBackend } from "./probe.ts";
import { seatbeltArgs } from "./seatbelt.ts";
import { delay, killGroup, signalNumber } from "./process_group.ts";

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

/** Human size, e.g. `512 MiB`. */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3 && n % 1024 ** 3 === 0) return `${n / 1024 ** 3} GiB`;
  if (n >= 1024 ** 2) return `${Math.round(n / 1024 ** 2)} MiB`;
  return `${Math.round(n / 1024)} KiB`;
}

/** What a command met: cgroup events, workspace growth, its exit code and output. */
interface LimitFacts {
  processLimitHit?: boolean;
  oomKills?: number;
  growth?: boolean;
  exitCode?: number;
  output?: string;
}

/** One note per limit that acted, in the model's terms. */
function limitNotes(l: Required<ShellLimits>, f: LimitFacts): string[] {
  const notes: string[] = [];
  if (f.processLimitHit) notes.push(`the process limit (${l.processes} at once) was reached`);
  if ((f.oomKills ?? 0) > 0) {
    notes.push(
      `stopped: the memory limit (${formatBytes(l.memoryBytes)} for the whole command) was reached`,
    );
  }
  if (f.growth) {
    notes.push(
      `stopped: the workspace grew by more than ${
        formatBytes(l.workspaceGrowthBytes)
      } in this command`,
    );
  }
  if (f.exitCode === 128 + 25) {
    notes.push(`a file reached the file size limit (${formatBytes(l.fileSizeBytes)})`);
  }
  if (f.exitCode === 128 + 24 || /CPU time limit/i.test(f.output ?? "")) {
    notes.push(`the CPU time limit (${l.cpuSeconds} s per process) was reached`);
  }
  return notes;
}

/** How one command is started, and what to clean up afterwards. */
interface SpawnSpec {
  program: string;
  args: string[];
  env: Record<string, string>;
  cgroup?: CommandCgroup;
  placeholder?: string;
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

  /** The `prlimit` prefix run inside the sandbox, or none without prlimit. */
  #limitPrefix(prlimit: string | undefined): string[] {
    if (prlimit === undefined) return [];
    const l = this.limits;
    return [
      prlimit,
      `--nproc=${l.processes}`,
      `--as=${l.memoryBytes}`,
      `--cpu=${l.cpuSeconds}`,
      `--fsize=${l.fileSizeBytes}`,
      "--",
    ];
  }

  /** Builds program, args and env for `command` under the backend. */
  async #spawnSpec(command: string, cwd: string): Promise<SpawnSpec> {
    const o = this.#o;
    const b = o.backend;
    const home = o.home ?? this.#getEnv("HOME");
    const envInput = {
      getEnv: this.#getEnv,
      envAllow: o.envAllow ?? [],
      networkDisabled: b.kind !== "none" && !o.network,
    };
    if (b.kind === "bwrap") {
      const system = await systemEntries();
      const homeAllow = o.homeAllow ?? [];
      const visible = [...LINUX_READ_ONLY, ...homeAllow];
      const mounts = await workspaceMounts(o.root);
      const args = bwrapArgs({
        root: o.root,
        system,
        masks: await etcMasks(),
        hidden: hiddenFolders(o.root, o.hidden ?? [], visible),
        home,
        homeAllow,
        git: mounts.git,
        readOnly: mounts.readOnly,
        network: o.network,
        cwd,
        ...(b.legacy ? { disableUserns: false } : { tmpfsBytes: this.limits.tmpfsBytes }),
        limitPrefix: this.#limitPrefix(b.prlimit),
      }, command);
      const env = buildShellEnv({
        ...envInput,
        home: home ?? o.root,
        tmpdir: "/tmp",
        sandbox: "bwrap",
      });
      const cgroup = await createCommandCgroup(this.limits);
      const placeholder = mounts.createdPlaceholder;
      if (cgroup === undefined) return { program: b.path, args, env, placeholder };
      return {
        program: "sh",
        args: cgroupLauncher(cgroup.paths, b.path, args),
        env,
        cgroup,
        placeholder,
      };
    }
    const tmpdir = this.#getEnv("TMPDIR") ?? "/tmp";
    if (b.kind === "seatbelt") {
      const l = this.limits;
      // Seatbelt has no limits of its own: the shell's ulimit applies them (-f in 512-byte blocks).
      const prologue = `ulimit -f ${
        Math.floor(l.fileSizeBytes / 512)
      } -t ${l.cpuSeconds} -u ${l.processes} 2>/dev/null; `;
      const args = seatbeltArgs({
        root: o.root,
        tmp: await Deno.realPath(tmpdir),
        home,
        homeAllow: o.homeAllow ?? [],
        network: o.network,
      }, prologue + command);
      const env = buildShellEnv({ ...envInput, home: home ?? o.root, tmpdir, sandbox: "seatbelt" });
      return { program: b.path, args, env };
    }
    const env = buildShellEnv({ ...envInput, home: home ?? o.root, tmpdir, sandbox: "none" });
    return { program: "sh", args: ["-c", command], env };
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
    let timeoutMs = opts.timeoutMs;
    if (max !== undefined && timeoutMs > max) {
      notes.push(
        `timeout lowered from ${Math.round(timeoutMs / 1000)} s to ${
          Math.round(max / 1000)
        } s (tools.shell.timeout_s)`,
      );
      timeoutMs = max;
    }
    const cwd = await this.#cwd(opts.cwd);
    const spec = await this.#spawnSpec(opts.command, cwd);
    const log = opts.logDir === undefined ? undefined : await this.#openLog(opts.logDir, notes);
    const limits = this.limits;
    const sandboxed = this.#o.backend.kind !== "none";
    let growth: GrowthWatch | undefined;
    let memory: MemoryWatch | undefined;
    try {
      const capture = new OutputCapture({
        head: this.#o.headChars,
        tail: this.#o.tailChars,
        log: log?.file,
      });
      const baseline = sandboxed ? await diskUsage(this.#o.root) : undefined;
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
      if (baseline !== undefined) {
        growth = new GrowthWatch(this.#o.root, baseline, limits.workspaceGrowthBytes, stop);
      }
      if (spec.cgroup?.memory !== undefined) memory = new MemoryWatch(spec.cgroup, stop);
      const timer = setTimeout(() => {
        timedOut = true;
        stop();
      }, timeoutMs);
      const onAbort = () => stop();
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      const status = await child.status;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      await growth?.stop();
      await memory?.stop();
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
      const exitCode = status.signal !== null ? 128 + signalNumber(status.signal) : status.code;
      if (growth?.exceeded) notes.push(...limitNotes(limits, { growth: true }));
      if (spec.cgroup !== undefined) {
        const events = await removeCommandCgroup(spec.cgroup);
        spec.cgroup = undefined;
        if (memory?.killed) events.oomKills = Math.max(1, events.oomKills);
        notes.push(...limitNotes(limits, events));
      }
      if (sandboxed) notes.push(...limitNotes(limits, { exitCode, output: capture.text() }));
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
      await growth?.stop();
      await memory?.stop();
      try {
        log?.file.close();
      } catch {
        // Already closed, or the disk is gone.
      }
      if (spec.cgroup !== undefined) await removeCommandCgroup(spec.cgroup);
      await removePlaceholder(spec.placeholder);
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
