/**
 * `lao sandbox check`: live self-tests of the shell sandbox in a temp
 * workspace. Each row is one escape that must stay closed (or one thing that
 * must keep working); any failed row is a gap and the command exits non-zero.
 *
 * @module
 */
import { join } from "node:path";
import type { SandboxBackend } from "./probe.ts";
import { type ShellLimits, ShellRunner } from "./shell.ts";
import { CHECK_LIMITS, limitSection } from "./check_limits.ts";
import { readParentEnv } from "./env.ts";
import {
  type CheckLayout,
  countConnections,
  envRow,
  fileRows,
  gitRows,
  hostFileRows,
  type Run,
  socketRow,
  tcpRow,
} from "./check_rows.ts";

/** One self-test result. */
export interface CheckRow {
  /** What was tried. */
  name: string;
  /** What must happen. */
  expected: string;
  /** True when the expectation held. */
  ok: boolean;
  /** What happened. */
  detail: string;
}

/** Options of {@linkcode runSandboxCheck}. */
export interface SandboxCheckOptions {
  /** The backend to test (from the probe / policy). */
  backend: SandboxBackend;
  /** The status line (shown in results). */
  statusLine: string;
  /** `tools.shell.network`; when true the TCP row only reports. */
  network?: boolean;
  /** Folder for the temp workspace (default: the system temp folder). */
  tempBase?: string;
  /** Per-command timeout in ms (default 10 s). */
  timeoutMs?: number;
  /** The configured limits (`tools.shell.limits`), read back inside the sandbox. */
  limits?: ShellLimits;
}

/** Lays out the check's temp folders under `base`, with the planted secret and symlink. */
async function layOut(base: string): Promise<CheckLayout> {
  // A project folder holding the config and a plan workspace, as LAO lays them out.
  const ws = join(base, "plan");
  const outside = join(base, "outside");
  const home = join(base, "home");
  for (const d of [ws, outside, join(home, ".ssh")]) await Deno.mkdir(d, { recursive: true });
  const token = `lao-check-${crypto.randomUUID()}`;
  await Deno.writeTextFile(join(home, ".ssh", "id_test"), token);
  await Deno.symlink(outside, join(ws, "link"));
  await Deno.writeTextFile(join(base, "factory.yaml"), `openai_api_key: ${token}\n`);
  return { base, ws, outside, home, token };
}

/** The shell runner under test, in the workspace, with the secret planted in two allowed variables. */
function checkRunner(opts: SandboxCheckOptions, l: CheckLayout): ShellRunner {
  return new ShellRunner({
    root: l.ws,
    backend: opts.backend,
    statusLine: opts.statusLine,
    network: opts.network ?? false,
    home: l.home,
    envAllow: ["LAO_CHECK_SECRET_KEY", "OPENAI_API_KEY"],
    limits: CHECK_LIMITS,
    maxTimeoutMs: 20_000,
    getEnv: (name) =>
      name === "LAO_CHECK_SECRET_KEY" || name === "OPENAI_API_KEY" ? l.token : readParentEnv(name),
  });
}

/** Runs the self-tests and returns one row per test. Cleans up its temp folder. */
export async function runSandboxCheck(opts: SandboxCheckOptions): Promise<CheckRow[]> {
  const base = await Deno.realPath(
    await Deno.makeTempDir({ prefix: "lao_sandbox_check_", dir: opts.tempBase }),
  );
  const tcp = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const listener = countConnections(tcp);
  try {
    const l = await layOut(base);
    const runner = checkRunner(opts, l);
    const run: Run = (command) => runner.run({ command, timeoutMs: opts.timeoutMs ?? 3600 * 1000 });
    const port = (tcp.addr as Deno.NetAddr).port;
    return [
      ...await fileRows(l, run),
      await tcpRow(run, port, listener, opts.network === true),
      ...await hostFileRows(l, run),
      await socketRow(base, run),
      ...await gitRows(l.ws, run),
      ...await limitSection({
        ws: l.ws,
        run,
        runner,
        backend: opts.backend,
        statusLine: opts.statusLine,
        home: l.home,
        configured: opts.limits,
      }),
      await envRow(l, run),
    ];
  } finally {
    await listener.close();
    await Deno.remove(base, { recursive: true });
  }
}

/** True when every row passed. */
export function checkPassed(rows: readonly CheckRow[]): boolean {
  return rows.every((r) => r.ok);
}

/** Formats rows as a plain-text table with a PASS/FAIL column. */
export function formatCheckTable(rows: readonly CheckRow[]): string {
  const table = [
    ["check", "expected", "result", "detail"],
    ...rows.map((r) => [
      r.name,
      r.expected,
      r.ok ? "PASS" : "FAIL",
      r.detail,
    ]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...table.map((row) => row[i]?.length ?? 0)));
  return table
    .map((row) =>
      row.map((cell, i) => i < 3 ? cell.padEnd(widths[i] ?? 0) : cell).join("  ").trimEnd()
    )
    .join("\n");
}
