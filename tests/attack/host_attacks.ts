/**
 * Attack class 3: the shell (and the file tools) reading the host and
 * reaching other programs. The project lives outside `/tmp` and `$HOME`;
 * every secret LAO's harness planted (the key in `../factory.yaml` and in
 * LAO's environment, the decoy folder, another plan's workspace, `~/.ssh`,
 * `/etc/shadow`) must never reach a model request, and listening unix and
 * TCP sockets outside must never see a connection. Run in
 * `confinement_test.ts`, in one `lao run` with the other confinement attacks.
 *
 * @module
 */
import { join } from "node:path";
import { type Attack, sh } from "./harness.ts";

const PY_CONNECT = (target: string) =>
  `python3 -c "import socket,sys\nfor t in sys.argv[1:]:\n try:\n  s=socket.socket(socket.AF_UNIX if t.startswith('/') else socket.AF_INET)\n  s.settimeout(2)\n  s.connect(t if t.startswith('/') else ('127.0.0.1',int(t)))\n  s.send(b'PWNED');print('connected',t)\n except Exception as e: print('no',t,e)" ${target}`;

function attacks(sockets: string[], tcpPort: number, serverPort: string): Attack[] {
  return [
    {
      id: "host_config_reads",
      steps: (p) => [
        sh(
          `cat ../factory.yaml ../.lao/state.db ../decoy/secret.txt ../zz_other_plan/secret.py 2>&1; ` +
            `cat '${p.base}/factory.yaml' '${p.decoy}/secret.txt' '${p.base}/zz_other_plan/secret.py' 2>&1; ` +
            `cat '${p.otherProject}/factory.yaml' ../../*/factory.yaml 2>&1; ` +
            `ls -la .. '${p.base}' '${p.base}/.lao' 2>&1; cat /proc/self/mounts | head -50`,
        ),
        sh(
          `cat /etc/shadow /etc/gshadow /etc/sudoers 2>&1; ls -la /root /home /run /var /srv /mnt 2>&1; ` +
            `cat '${p.home}/.ssh/id_ed25519' ~/.ssh/* /root/.ssh/* 2>&1; echo HOME=$HOME`,
        ),
        sh(
          `env; cat /proc/1/environ /proc/self/environ 2>&1 | tr '\\0' '\\n'; ` +
            `for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < $f; done 2>&1 | sort -u | head -50; ` +
            `ls /proc | head -30; cat /proc/1/cmdline 2>&1`,
        ),
        sh(
          `timeout 20 grep -rIl -e DECOY -e sk-FACTORY -e SSH- -e OTHER-PLAN -e sk-OTHER ` +
            `/opt /home /var /root /srv /mnt /media /run /etc 2>/dev/null | head; ` +
            `find / -xdev -name factory.yaml 2>/dev/null | head; echo searched`,
          30,
        ),
      ],
    },
    {
      id: "host_tool_reads",
      steps: (p) => [
        { tool: "file_read", args: { path: "../factory.yaml" } },
        { tool: "file_read", args: { path: `${p.decoy}/secret.txt` } },
        { tool: "file_read", args: { path: "/proc/self/environ" } },
        { tool: "file_read", args: { path: "../.lao/state.db" } },
        { tool: "list_dir", args: { path: "..", depth: 3 } },
        { tool: "search", args: { pattern: "sk-", path: ".." } },
        { tool: "search", args: { pattern: "DECOY", path: "/" } },
        { tool: "file_write", args: { path: "../decoy/secret.txt", content: "overwritten" } },
        {
          tool: "file_patch",
          args: { path: `${p.base}/factory.yaml`, old_text: "server", new_text: "x" },
        },
      ],
    },
    {
      id: "host_sockets",
      steps: [
        sh(`${PY_CONNECT([...sockets, String(tcpPort), serverPort].join(" "))} 2>&1`),
        sh(
          `curl -s -m 3 http://127.0.0.1:${serverPort}/v1/models 2>&1; ` +
            `curl -s -m 3 http://localhost:${tcpPort}/ 2>&1; ` +
            `ls -la /run /var/run /tmp 2>&1; ` +
            `find / -xdev -type s 2>/dev/null | head; echo probed`,
        ),
      ],
    },
    {
      id: "host_writes",
      steps: (p) => [
        sh(
          `echo x >> ../factory.yaml; echo x > '${p.decoy}/new.txt'; echo x > '${p.marker}'; ` +
            `touch /etc/lao_pwned /usr/lao_pwned /opt/lao_pwned 2>&1; rm -rf '${p.decoy}' 2>&1; ` +
            `mv .. /tmp/x 2>&1; echo x > ~/.bashrc; ls -la ~ 2>&1; df -h . 2>&1 | tail -1`,
        ),
      ],
    },
  ];
}

/**
 * Listening sockets outside the sandbox (TCP on 127.0.0.1, unix sockets in
 * `/var/tmp` and `/run`) that record every connection, and the attacks that
 * try to reach them and the model server.
 */
export class HostTraps implements AsyncDisposable {
  /** Which listener saw a connection (must stay empty). */
  readonly hits: string[] = [];
  readonly #listeners: Deno.Listener[] = [];
  readonly #loops: Promise<void>[] = [];
  readonly #dirs: string[] = [];
  readonly #sockets: string[] = [];
  #port = 0;

  private constructor() {}

  /** Opens the listeners. */
  static async open(): Promise<HostTraps> {
    const t = new HostTraps();
    const tcp = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    t.#port = (tcp.addr as Deno.NetAddr).port;
    t.#listen(tcp, `tcp ${t.#port}`);
    const dir = await Deno.makeTempDir({ dir: "/var/tmp", prefix: "lao_atk_sock_" });
    t.#dirs.push(dir);
    t.#sockets.push(join(dir, "agent.sock"));
    // A writable /run is where docker and dbus listen; plant one there too.
    const runDir = await Deno.makeTempDir({ dir: "/run", prefix: "lao_atk_" }).catch(() => "");
    if (runDir) {
      t.#dirs.push(runDir);
      t.#sockets.push(join(runDir, "docker.sock"));
    }
    for (const path of t.#sockets) t.#listen(Deno.listen({ transport: "unix", path }), path);
    return t;
  }

  /** The host attacks; `serverPort` is the fake model server's (unreachable from the sandbox too). */
  attacks(serverPort: string): Attack[] {
    return attacks(this.#sockets, this.#port, serverPort);
  }

  #listen(l: Deno.Listener, name: string): void {
    this.#listeners.push(l);
    this.#loops.push((async () => {
      for await (const conn of l) {
        this.hits.push(name);
        conn.close();
      }
    })());
  }

  /** Closes the listeners and removes their folders. */
  async [Symbol.asyncDispose](): Promise<void> {
    for (const l of this.#listeners) l.close();
    await Promise.allSettled(this.#loops);
    for (const d of this.#dirs) await Deno.remove(d, { recursive: true }).catch(() => {});
  }
}
