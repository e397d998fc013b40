/**
 * The escape rows of `lao sandbox check`: writes outside the workspace and
 * through a planted symlink, reads of the hidden home, the config folder and
 * `/etc/shadow`, TCP and unix-socket connections, `.git` writes and the
 * environment. Each tries one escape in the check's temp layout and says
 * whether it stayed closed.
 *
 * @module
 */
import { join } from "node:path";
import type { CheckRow } from "./check.ts";
import type { ShellResult } from "./shell.ts";

/** Runs one command in the check's workspace, in the sandbox under test. */
export type Run = (command: string) => Promise<ShellResult>;

/** The check's temp folders, laid out as LAO lays out a project and a plan workspace. */
export interface CheckLayout {
  /** The project folder (holds `factory.yaml` with the planted secret). */
  base: string;
  /** The plan workspace commands run in (holds a symlink `link` to `outside`). */
  ws: string;
  /** A folder beside the workspace. */
  outside: string;
  /** The hidden home (holds `.ssh/id_test` with the planted secret). */
  home: string;
  /** The planted secret. */
  token: string;
}

/** A listener that counts the connections it accepted (and closes each). */
export interface CountingListener {
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Stops listening and waits for the accept loop to end. */
  close(): Promise<void>;
}

/** Accepts on `listener` in the background, counting connections. */
export function countConnections(listener: Deno.Listener): CountingListener {
  let accepted = 0;
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        accepted++;
        conn.close();
      }
    } catch {
      // Listener closed.
    }
  })();
  return {
    get accepted() {
      return accepted;
    },
    close: async () => {
      listener.close();
      await accepting;
    },
  };
}

function exists(p: string): Promise<boolean> {
  return Deno.lstat(p).then(() => true, () => false);
}

/** The last non-empty line of `text`. */
function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "";
}

/** A row for an escape that must be blocked. */
function blocked(name: string, escaped: boolean, how: string, closed = "blocked"): CheckRow {
  return { name, expected: "blocked", ok: !escaped, detail: escaped ? how : closed };
}

/** A row for a host file that must not be readable. */
function hidden(name: string, leaked: boolean): CheckRow {
  return {
    name,
    expected: "not visible",
    ok: !leaked,
    detail: leaked ? "the content reached the command" : "not visible",
  };
}

/** Writing inside works; writing outside, through the symlink, or reading the hidden home does not. */
export async function fileRows(l: CheckLayout, run: Run): Promise<CheckRow[]> {
  const inside = await run("echo ok > inside.txt && cat inside.txt");
  const insideOk =
    (await Deno.readTextFile(join(l.ws, "inside.txt")).catch(() => "")).trim() === "ok";
  const rows: CheckRow[] = [{
    name: "write inside the workspace",
    expected: "allowed",
    ok: insideOk,
    detail: insideOk ? "written" : `failed: ${lastLine(inside.output)}`,
  }];
  await run(`echo pwned > '${l.outside}/out.txt'`);
  const outWritten = await exists(join(l.outside, "out.txt"));
  rows.push(blocked("write outside the workspace", outWritten, "file was created outside"));
  await run("echo pwned > link/through_link.txt");
  const linkWritten = await exists(join(l.outside, "through_link.txt"));
  rows.push(
    blocked("write through a planted symlink", linkWritten, "file was created through the link"),
  );
  const homeRead = await run(`cat '${l.home}/.ssh/id_test'`);
  const homeLeak = homeRead.output.includes(l.token);
  rows.push(
    blocked("read a file under the hidden home", homeLeak, "secret was readable", "hidden"),
  );
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

/** A TCP connection to `listener` on loopback: blocked, or only reported when the network is granted. */
export async function tcpRow(
  run: Run,
  port: number,
  listener: CountingListener,
  network: boolean,
): Promise<CheckRow> {
  const tcp = await run(tcpClient(port));
  const reached = listener.accepted > 0 || tcp.exitCode === 0;
  const name = "TCP connect to a loopback listener";
  if (network) {
    return {
      name,
      expected: "allowed (network granted)",
      ok: true,
      detail: reached ? "connected" : "not connected",
    };
  }
  return {
    name,
    expected: "blocked",
    ok: !reached,
    detail: reached
      ? "connected"
      : tcp.exitCode === 3
      ? "blocked (no TCP client found)"
      : "blocked",
  };
}

/** Neither the config folder's `factory.yaml` nor the host's `/etc/shadow` is readable. */
export async function hostFileRows(l: CheckLayout, run: Run): Promise<CheckRow[]> {
  const cfg = await run("cat ../factory.yaml");
  const rows = [hidden("read the config folder (../factory.yaml)", cfg.output.includes(l.token))];
  const shadow = await Deno.readTextFile("/etc/shadow").catch(() => "");
  const etc = await run("cat /etc/shadow");
  const shadowLeak = shadow !== "" && etc.output.includes(shadow.split("\n")[0] ?? "\0");
  rows.push(hidden("read /etc/shadow", shadowLeak));
  return rows;
}

/** Connects to a unix socket LAO listens on outside the workspace. */
export async function socketRow(base: string, run: Run): Promise<CheckRow> {
  const path = join(base, "check.sock");
  const name = "connect to a unix socket outside";
  let listener: CountingListener;
  try {
    listener = countConnections(Deno.listen({ transport: "unix", path }));
  } catch (err) {
    return { name, expected: "blocked", ok: true, detail: `not tried (${(err as Error).message})` };
  }
  const r = await run(
    `python3 -c "import socket; s=socket.socket(socket.AF_UNIX); s.connect('${path}')" 2>&1 ` +
      "|| exit 1",
  );
  await listener.close();
  return blocked(name, listener.accepted > 0 || r.exitCode === 0, "connected");
}

/** `.git` writes, and `git init` where the workspace has no `.git`. */
export async function gitRows(ws: string, run: Run): Promise<CheckRow[]> {
  await run("mkdir -p .git/hooks; echo x > .git/hooks/pre-commit; git init -q . 2>/dev/null");
  const created = await exists(join(ws, ".git"));
  const rows: CheckRow[] = [
    blocked(
      "create .git in a workspace without one",
      created,
      "a .git was created",
      "blocked (read-only placeholder)",
    ),
  ];
  if (created) await Deno.remove(join(ws, ".git"), { recursive: true });
  await Deno.mkdir(join(ws, ".git", "hooks"), { recursive: true });
  await Deno.writeTextFile(join(ws, ".git", "HEAD"), "ref: refs/heads/main\n");
  await run("echo evil > .git/HEAD; echo x > .git/hooks/pre-commit; echo x > .git/commondir");
  const tampered =
    (await Deno.readTextFile(join(ws, ".git", "HEAD"))) !== "ref: refs/heads/main\n" ||
    await exists(join(ws, ".git", "hooks", "pre-commit")) ||
    await exists(join(ws, ".git", "commondir"));
  rows.push(blocked("write into .git", tampered, ".git was changed"));
  await Deno.remove(join(ws, ".git"), { recursive: true });
  return rows;
}

/** The planted secret variables stay out of the command's environment. */
export async function envRow(l: CheckLayout, run: Run): Promise<CheckRow> {
  const env = await run("env");
  const envLeak = env.output.includes(l.token);
  return {
    name: "secret environment variables",
    expected: "not visible",
    ok: !envLeak,
    detail: envLeak ? "a planted secret was visible" : "not visible",
  };
}
