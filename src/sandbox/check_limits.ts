/**
 * The limit rows of `lao sandbox check`: each limit tried with a small,
 * bounded bomb under small limits (so each is held in well under a second),
 * memory across several processes, and the configured limits
 * (`tools.shell.limits`) read back from inside the sandbox.
 *
 * @module
 */
import { join } from "node:path";
import type { SandboxBackend } from "./probe.ts";
import { formatBytes, type ShellLimits, type ShellResult, ShellRunner } from "./shell.ts";
import { DEFAULT_LIMITS } from "./host_view.ts";
import type { CheckRow } from "./check.ts";

/** Small limits, so each bomb is held in well under a second. */
export const CHECK_LIMITS = {
  processes: 32,
  memoryBytes: 256 * 1024 ** 2,
  fileSizeBytes: 1024 ** 2,
  workspaceGrowthBytes: 4 * 1024 ** 2,
};

type Run = (command: string) => Promise<ShellResult>;

/** What {@linkcode limitSection} needs. */
export interface LimitSectionInput {
  /** The temp workspace. */
  ws: string;
  /** Runs a command under {@linkcode CHECK_LIMITS}. */
  run: Run;
  /** The runner behind `run`. */
  runner: ShellRunner;
  /** The backend under test. */
  backend: SandboxBackend;
  /** The status line. */
  statusLine: string;
  /** The empty home of the check. */
  home: string;
  /** The configured limits (`tools.shell.limits`); the defaults when absent. */
  configured?: ShellLimits | undefined;
}

/** The limit rows and the timeout row; one failed row without a sandbox (bombs would hit the host). */
export async function limitSection(input: LimitSectionInput): Promise<CheckRow[]> {
  const { ws, backend, statusLine, home } = input;
  if (backend.kind === "none") {
    return [{
      name: "limits (processes, memory, file size, growth, timeout)",
      expected: "held",
      ok: false,
      detail: "not tried: no sandbox, the bombs would run on the host",
    }];
  }
  const base = { root: ws, backend, statusLine, network: false, home };
  const rows = await limitRows({
    ...input,
    withLimits: (limits) => new ShellRunner({ ...base, limits }),
  });
  const short = new ShellRunner({ ...base, maxTimeoutMs: 300, killGraceMs: 200 });
  const slow = await short.run({ command: "sleep 20", timeoutMs: 3600 * 1000 });
  rows.push(row("timeout (model asks for 3600 s)", slow.timedOut, "cut to tools.shell.timeout_s"));
  return rows;
}

/** What {@linkcode limitRows} needs. */
export interface LimitRowsInput {
  /** The temp workspace. */
  ws: string;
  /** Runs a command under {@linkcode CHECK_LIMITS}. */
  run: Run;
  /** The runner behind `run`. */
  runner: ShellRunner;
  /** The backend under test. */
  backend: SandboxBackend;
  /** Builds a runner with other limits (same workspace and backend). */
  withLimits: (limits: ShellLimits) => ShellRunner;
  /** The configured limits (`tools.shell.limits`); the defaults when absent. */
  configured?: ShellLimits | undefined;
}

const row = (name: string, held: boolean, detail: string, failed = "not held"): CheckRow => ({
  name,
  expected: "held",
  ok: held,
  detail: held ? detail : failed,
});

/** Each limit, tried with a small bounded bomb (the timeout row is separate). */
export async function limitRows(input: LimitRowsInput): Promise<CheckRow[]> {
  const { ws, run, runner } = input;
  const rows: CheckRow[] = [];
  const procs = await run(
    "i=0; while [ $i -lt 200 ]; do sleep 5 & i=$((i+1)); done; echo ALL-STARTED",
  );
  rows.push(row(
    `processes (limit ${runner.limits.processes})`,
    !procs.output.includes("ALL-STARTED"),
    "fork refused",
  ));
  const mem = await run(
    "python3 -c \"b = bytearray(1024 ** 3); print('ALLOCATED')\" 2>&1 || exit 1",
  );
  rows.push(row("memory (1 GiB allocation)", !mem.output.includes("ALLOCATED"), "refused"));
  rows.push(await memoryAcrossRow(run, input.backend));
  await run("head -c 5000000 /dev/zero > big.bin");
  const size = await Deno.stat(join(ws, "big.bin")).then((s) => s.size, () => 0);
  rows.push(
    row("file size (5 MB file)", size <= CHECK_LIMITS.fileSizeBytes, `cut at ${size} bytes`),
  );
  await Deno.remove(join(ws, "big.bin")).catch(() => {});
  const growth = await run("i=0; while :; do head -c 500000 /dev/zero > g$i; i=$((i+1)); done");
  rows.push(row("workspace growth", growth.notes.some((n) => n.includes("grew")), "stopped"));
  rows.push(await configuredRow(input));
  return rows;
}

/** Four processes of 100 MB each under a 256 MiB cap: only a memory cgroup holds their sum. */
async function memoryAcrossRow(run: Run, backend: SandboxBackend): Promise<CheckRow> {
  const hog = `import time; b = b"x" * (100 * 1024 * 1024); print("HOLDING", flush=True); ` +
    "time.sleep(5)";
  const r = await run(`for i in 1 2 3 4; do python3 -c '${hog}' & done; wait; echo ALL-DONE`);
  const held = !r.output.includes("ALL-DONE") &&
    r.notes.some((n) => n.includes("memory limit"));
  const noCgroup = backend.kind === "bwrap" && backend.cgroups?.memory === false;
  const swapOn = backend.kind === "bwrap" && backend.cgroups?.swapCapped === false;
  return row(
    `memory across processes (4 x 100 MB, cap ${formatBytes(CHECK_LIMITS.memoryBytes)})`,
    held,
    swapOn ? "stopped (memory cgroup; swap not capped)" : "stopped (memory cgroup, swap off)",
    noCgroup ? "partial: per-process limit only (no memory cgroup can be made here)" : "not held",
  );
}

/** Parses `/proc/self/limits` into soft limits by name ("unlimited" as Infinity). */
export function parseProcLimits(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    if (!m) continue;
    out.set(m[1]!, m[2] === "unlimited" ? Infinity : Number(m[2]));
  }
  return out;
}

/** The configured limits, read back from inside the sandbox (Linux). */
async function configuredRow(input: LimitRowsInput): Promise<CheckRow> {
  const l = { ...DEFAULT_LIMITS, ...input.configured };
  const name = "configured limits (tools.shell.limits)";
  const values = `${l.processes} processes, ${
    formatBytes(l.memoryBytes)
  } memory, ${l.cpuSeconds} s CPU, ${formatBytes(l.fileSizeBytes)} file, ${
    formatBytes(l.workspaceGrowthBytes)
  } growth, ${formatBytes(l.tmpfsBytes)} /tmp`;
  if (input.backend.kind !== "bwrap") {
    return {
      name,
      expected: "applied",
      ok: true,
      detail: `${values}: applied with ulimit (not read back)`,
    };
  }
  const r = await input.withLimits(l).run({
    command: "cat /proc/self/limits; df -Pk /tmp | tail -1",
    timeoutMs: 20_000,
  });
  const got = parseProcLimits(r.output);
  const want: [string, number][] = [
    ["Max processes", l.processes],
    ["Max address space", l.memoryBytes],
    ["Max cpu time", l.cpuSeconds],
    ["Max file size", l.fileSizeBytes],
  ];
  const wrong = want.filter(([k, v]) => got.get(k) !== v).map(([k]) => k.slice(4));
  const tmpKb = Number(/^\S+\s+(\d+)\s+\d+\s+\d+\s+\d+%\s+\/tmp$/m.exec(r.output)?.[1]);
  if (!input.backend.legacy && tmpKb !== l.tmpfsBytes / 1024) wrong.push("/tmp size");
  return {
    name,
    expected: "applied",
    ok: wrong.length === 0,
    detail: wrong.length === 0
      ? `${values}: read back inside the sandbox`
      : `not applied: ${wrong.join(", ")}`,
  };
}
