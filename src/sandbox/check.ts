/**
 * `lao sandbox check`: live self-tests of the shell sandbox in a temp
 * workspace. Each row is one escape that must stay closed (or one thing that
 * must keep working); any failed row is a gap and the command exits non-zero.
 *
 * @module
 */
import { join } from "node:path";
import type { SandboxBackend } from "./probe.ts";
import { type ShellLimits, type ShellResult, ShellRunner } from "./shell.ts";
import { CHECK_LIMITS, limitSection } from "./check_limits.ts";
import { readParentEnv } from "./env.ts";

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

/** Runs the self-tests and returns one row per test. Cleans up its temp folder. */
export async function runSandboxCheck(opts: SandboxCheckOptions): Promise<CheckRow[]> {
  const base = await Deno.realPath(
    await Deno.makeTempDir({ prefix: "lao_sandbox_check_", dir: opts.tempBase }),
  );
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let connections = 0;
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        connections++;
        conn.close();
      }
    } catch {
      // Listener closed.
    }
  })();
  try {
    // A project folder holding the config and a plan workspace, as LAO lays them out.
    const ws = join(base, "plan");
    const outside = join(base, "outside");
    const home = join(base, "home");
    for (const d of [ws, outside, join(home, ".ssh")]) await Deno.mkdir(d, { recursive: true });
    const token = `lao-check-${crypto.randomUUID()}`;
    await Deno.writeTextFile(join(home, ".ssh", "id_test"), token);
    await Deno.symlink(outside, join(ws, "link"));
    await Deno.writeTextFile(join(base, "factory.yaml"), `openai_api_key: ${token}\n`);
    const runner = new ShellRunner({
      root: ws,
      backend: opts.backend,
      statusLine: opts.statusLine,
      network: opts.network ?? false,
      home,
      envAllow: ["LAO_CHECK_SECRET_KEY", "OPENAI_API_KEY"],
      limits: CHECK_LIMITS,
      maxTimeoutMs: 20_000,
      getEnv: (name) =>
        name === "LAO_CHECK_SECRET_KEY" || name === "OPENAI_API_KEY" ? token : readParentEnv(name),
    });
    const run = (command: string) =>
      runner.run({ command, timeoutMs: opts.timeoutMs ?? 3600 * 1000 });
    const exists = (p: string) => Deno.lstat(p).then(() => true, () => false);
    const rows: CheckRow[] = [];

    const inside = await run("echo ok > inside.txt && cat inside.txt");
    const insideOk = (await Deno.readTextFile(join(ws, "inside.txt")).catch(() =>
      ""
    )).trim() === "ok";
    rows.push({
      name: "write inside the workspace",
      expected: "allowed",
      ok: insideOk,
      detail: insideOk ? "written" : `failed: ${lastLine(inside.output)}`,
    });

    await run(`echo pwned > '${outside}/out.txt'`);
    const outWritten = await exists(join(outside, "out.txt"));
    rows.push({
      name: "write outside the workspace",
      expected: "blocked",
      ok: !outWritten,
      detail: outWritten ? "file was created outside" : "blocked",
    });

    await run("echo pwned > link/through_link.txt");
    const linkWritten = await exists(join(outside, "through_link.txt"));
    rows.push({
      name: "write through a planted symlink",
      expected: "blocked",
      ok: !linkWritten,
      detail: linkWritten ? "file was created through the link" : "blocked",
    });

    const homeRead = await run(`cat '${home}/.ssh/id_test'`);
    const homeLeak = homeRead.output.includes(token);
    rows.push({
      name: "read a file under the hidden home",
      expected: "blocked",
      ok: !homeLeak,
      detail: homeLeak ? "secret was readable" : "hidden",
    });

    const port = (listener.addr as Deno.NetAddr).port;
    const tcp = await run(tcpClient(port));
    const reached = connections > 0 || tcp.exitCode === 0;
    if (opts.network) {
      rows.push({
        name: "TCP connect to a loopback listener",
        expected: "allowed (network granted)",
        ok: true,
        detail: reached ? "connected" : "not connected",
      });
    } else {
      rows.push({
        name: "TCP connect to a loopback listener",
        expected: "blocked",
        ok: !reached,
        detail: reached
          ? "connected"
          : tcp.exitCode === 3
          ? "blocked (no TCP client found)"
          : "blocked",
      });
    }

    const cfg = await run("cat ../factory.yaml");
    rows.push(hidden("read the config folder (../factory.yaml)", cfg.output.includes(token)));

    const shadow = await readHost("/etc/shadow");
    const etc = await run("cat /etc/shadow");
    const shadowLeak = shadow !== "" && etc.output.includes(shadow.split("\n")[0] ?? "\0");
    rows.push(hidden("read /etc/shadow", shadowLeak));

    rows.push(await socketRow(base, run));
    rows.push(...await gitRows(ws, run, exists));
    rows.push(
      ...await limitSection({
        ws,
        run,
        runner,
        backend: opts.backend,
        statusLine: opts.statusLine,
        home,
        configured: opts.limits,
      }),
    );

    const env = await run("env");
    const envLeak = env.output.includes(token);
    rows.push({
      name: "secret environment variables",
      expected: "not visible",
      ok: !envLeak,
      detail: envLeak ? "a planted secret was visible" : "not visible",
    });
    return rows;
  } finally {
    listener.close();
    await accepting;
    await Deno.remove(base, { recursive: true });
  }
}

type Run = (command: string) => Promise<ShellResult>;

/** A row for a host file that must not be readable. */
function hidden(name: string, leaked: boolean): CheckRow {
  return {
    name,
    expected: "not visible",
    ok: !leaked,
    detail: leaked ? "the content reached the command" : "not visible",
  };
}

/** Reads a host file for comparison ("" when unreadable). */
function readHost(path: string): Promise<string> {
  return Deno.readTextFile(path).catch(() => "");
}

/** Connects to a unix socket LAO listens on outside the workspace. */
async function socketRow(base: string, run: Run): Promise<CheckRow> {
  const path = join(base, "check.sock");
  let accepted = 0;
  let listener: Deno.Listener | undefined;
  try {
    listener = Deno.listen({ transport: "unix", path });
  } catch (err) {
    return {
      name: "connect to a unix socket outside",
      expected: "blocked",
      ok: true,
      detail: `not tried (${(err as Error).message})`,
    };
  }
  const accepting = (async () => {
    try {
      for await (const c of listener) {
        accepted++;
        c.close();
      }
    } catch {
      // closed
    }
  })();
  const r = await run(
    `python3 -c "import socket; s=socket.socket(socket.AF_UNIX); s.connect('${path}')" 2>&1 ` +
      "|| exit 1",
  );
  listener.close();
  await accepting;
  const reached = accepted > 0 || r.exitCode === 0;
  return {
    name: "connect to a unix socket outside",
    expected: "blocked",
    ok: !reached,
    detail: reached ? "connected" : "blocked",
  };
}

/** `.git` writes, and `git init` where the workspace has no `.git`. */
async function gitRows(
  ws: string,
  run: Run,
  exists: (p: string) => Promise<boolean>,
): Promise<CheckRow[]> {
  await run("mkdir -p .git/hooks; echo x > .git/hooks/pre-commit; git init -q . 2>/dev/null");
  const created = await exists(join(ws, ".git"));
  const rows: CheckRow[] = [{
    name: "create .git in a workspace without one",
    expected: "blocked",
    ok: !created,
    detail: created ? "a .git was created" : "blocked (read-only placeholder)",
  }];
  if (created) await Deno.remove(join(ws, ".git"), { recursive: true });
  await Deno.mkdir(join(ws, ".git", "hooks"), { recursive: true });
  await Deno.writeTextFile(join(ws, ".git", "HEAD"), "ref: refs/heads/main\n");
  await run("echo evil > .git/HEAD; echo x > .git/hooks/pre-commit; echo x > .git/commondir");
  const tampered =
    (await Deno.readTextFile(join(ws, ".git", "HEAD"))) !== "ref: refs/heads/main\n" ||
    await exists(join(ws, ".git", "hooks", "pre-commit")) ||
    await exists(join(ws, ".git", "commondir"));
  rows.push({
    name: "write into .git",
    expected: "blocked",
    ok: !tampered,
    detail: tampered ? ".git was changed" : "blocked",
  });
  await Deno.remove(join(ws, ".git"), { recursive: true });
  return rows;
}

/** A POSIX sh script that tries a TCP connection with whatever client exists (exit 3: none). */
function tcpClient(port: number): string {
  return [
    "if command -v python3 >/dev/null 2>&1; then",
    `  python3 -c "import socket; socket.create_connection(('127.0.0.1', ${port}), 3).close()"`,
    "elif command -v bash >/dev/null 2>&1; then",
    `  bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port}'`,
    "else exit 3; fi",
  ].join("\n");
}

/** The last non-empty line of `text`. */
function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "";
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
