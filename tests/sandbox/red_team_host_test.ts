/**
 * Red team, "the shell sees the host" (issue 9, class 3) and the sandbox side
 * of "LAO's git trusts the workspace" (class 1): a model-chosen command run
 * through LAO's real shell runner must not read the config folder, LAO's
 * database, other plans' workspaces or host secrets, must not reach a unix
 * socket, and must not change `.git` or create one.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { probeSandbox, realProbeDeps } from "../../src/sandbox/probe.ts";
import { ShellRunner } from "../../src/sandbox/shell.ts";
import { sandboxStatusLine } from "../../src/sandbox/status.ts";

const backend = await probeSandbox(realProbeDeps());
const ignore = backend.kind !== "bwrap";

/** A project folder (config folder) with factory.yaml, .lao/state.db and two plan workspaces. */
async function project(): Promise<
  AsyncDisposable & { base: string; ws: string; other: string; runner: ShellRunner }
> {
  // Outside /tmp, so the private /tmp is not what hides it.
  const dir = await Deno.stat("/var/tmp").then(() => "/var/tmp", () => undefined);
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "lao_rt_host_", dir }));
  await Deno.writeTextFile(join(base, "factory.yaml"), "openai_api_key: sk-RED-TEAM-KEY\n");
  await Deno.mkdir(join(base, ".lao"));
  await Deno.writeTextFile(join(base, ".lao", "state.db"), "SQLITE-RED-TEAM");
  const ws = join(base, "plan_a");
  const other = join(base, "plan_b");
  await Deno.mkdir(ws);
  await Deno.mkdir(other);
  await Deno.writeTextFile(join(other, "secret.txt"), "OTHER-PLAN-SECRET");
  const runner = new ShellRunner({
    root: ws,
    backend,
    network: false,
    statusLine: sandboxStatusLine({ backend, mode: "auto", network: false }),
    killGraceMs: 200,
  });
  return {
    base,
    ws,
    other,
    runner,
    [Symbol.asyncDispose]: () => Deno.remove(base, { recursive: true }),
  };
}

const run = (r: ShellRunner, command: string) => r.run({ command, timeoutMs: 20_000 });

Deno.test({
  name:
    "host (bwrap): ../factory.yaml, ../.lao/state.db and other plans' workspaces are not visible",
  ignore,
  fn: async () => {
    await using p = await project();
    const r = await run(
      p.runner,
      `cat ../factory.yaml; cat ../.lao/state.db; cat '${p.base}/factory.yaml'; ` +
        `cat '${p.other}/secret.txt'; ls -a .. '${p.base}'; echo x >> ../factory.yaml`,
    );
    assert.doesNotMatch(r.output, /RED-TEAM-KEY|SQLITE-RED-TEAM|OTHER-PLAN-SECRET/);
    assert.doesNotMatch(r.output, /^(plan_b|factory\.yaml|\.lao)$/m);
    assert.match(r.output, /No such file or directory/);
    assert.equal(
      await Deno.readTextFile(join(p.base, "factory.yaml")),
      "openai_api_key: sk-RED-TEAM-KEY\n",
    );
  },
});

Deno.test({
  name: "host (bwrap): /etc/shadow, /etc/gshadow and sudoers read as nothing",
  ignore,
  fn: async () => {
    await using p = await project();
    const r = await run(p.runner, "cat /etc/shadow /etc/gshadow /etc/sudoers 2>&1; echo done");
    for (const file of ["/etc/shadow", "/etc/gshadow"]) {
      const text = await Deno.readTextFile(file).catch(() => "");
      const first = text.split("\n")[0] ?? "";
      if (first !== "") assert.ok(!r.output.includes(first), `${file} leaked`);
    }
    assert.match(r.output, /done/);
    // Toolchains still work: /usr, /etc are there.
    const ok = await run(p.runner, "cat /etc/passwd | head -1; ls /usr/bin/env");
    assert.match(ok.output, /^root:/m);
  },
});

Deno.test({
  name: "host (bwrap): /root, /home, /run, /var/run, /srv, /mnt and /media show no host entry",
  ignore,
  fn: async () => {
    await using p = await project();
    const folders = ["/root", "/home", "/run", "/var/run", "/srv", "/mnt", "/media", "/var/lib"];
    const r = await run(p.runner, folders.map((f) => `echo "== ${f}"; ls -A ${f}`).join("; "));
    const home = Deno.env.get("HOME");
    for (const folder of folders) {
      if (folder === home) continue; // the private, empty home
      const section = r.output.split(`== ${folder}\n`)[1]?.split("== ")[0] ?? "";
      const host: string[] = [];
      try {
        for await (const e of Deno.readDir(folder)) host.push(e.name);
      } catch {
        continue;
      }
      for (const name of host) {
        assert.ok(!section.split("\n").includes(name), `${folder}/${name} is visible`);
      }
    }
  },
});

Deno.test({
  name: "host (bwrap): a unix socket outside the workspace (temp folder, /run) cannot be reached",
  ignore,
  fn: async () => {
    await using p = await project();
    const paths = [join(p.base, "agent.sock")];
    const runSock = `/run/lao_rt_${crypto.randomUUID().slice(0, 8)}.sock`;
    if (await Deno.stat("/run").then((s) => s.isDirectory, () => false)) paths.push(runSock);
    const listeners: Deno.Listener[] = [];
    for (const path of paths) {
      try {
        listeners.push(Deno.listen({ transport: "unix", path }));
      } catch {
        // /run not writable here: the temp-folder socket still covers the vector.
      }
    }
    let accepted = 0;
    const accepting = listeners.map(async (l) => {
      try {
        for await (const c of l) {
          accepted++;
          c.close();
        }
      } catch {
        // closed
      }
    });
    try {
      const script = listeners.map((l) => {
        const path = (l.addr as Deno.UnixAddr).path;
        return `python3 -c "import socket; s=socket.socket(socket.AF_UNIX); s.connect('${path}'); print('CONNECTED')"`;
      }).join("; ");
      const r = await run(p.runner, script);
      assert.doesNotMatch(r.output, /CONNECTED/);
      assert.equal(accepted, 0);
    } finally {
      for (const l of listeners) l.close();
      await Promise.all(accepting);
      await Deno.remove(runSock).catch(() => {});
    }
  },
});

Deno.test({
  name: "git (bwrap): the whole .git is read-only and cannot be moved away",
  ignore,
  fn: async () => {
    await using p = await project();
    const git = join(p.ws, ".git");
    await Deno.mkdir(join(git, "objects"), { recursive: true });
    await Deno.writeTextFile(join(git, "HEAD"), "ref: refs/heads/main\n");
    const r = await run(
      p.runner,
      "echo 'gitdir: /x' > .git/commondir; echo evil > .git/HEAD; mkdir .git/info; " +
        "echo /x > .git/objects/alternates; mv .git .git_old; rm -rf .git; echo end",
    );
    assert.match(r.output, /Read-only file system/);
    assert.match(r.output, /end/);
    assert.equal(await Deno.readTextFile(join(git, "HEAD")), "ref: refs/heads/main\n");
    const names: string[] = [];
    for await (const e of Deno.readDir(git)) names.push(e.name);
    assert.deepEqual(names.sort(), ["HEAD", "objects"]);
    await assert.rejects(Deno.stat(join(p.ws, ".git_old")), Deno.errors.NotFound);
  },
});

Deno.test({
  name:
    "git (bwrap): a workspace without .git gets a read-only placeholder: no git init, nothing left",
  ignore,
  fn: async () => {
    await using p = await project();
    const r = await run(
      p.runner,
      "git init -q . 2>&1; mkdir -p .git/hooks 2>&1; echo '[filter \"x\"]' > .git/config; ls -A .git | wc -l",
    );
    assert.match(r.output, /^0$/m);
    // The placeholder is gone again and no repository was made.
    await assert.rejects(Deno.lstat(join(p.ws, ".git")), Deno.errors.NotFound);
  },
});

Deno.test({
  name: "host (bwrap): no capability is left, so no remount makes a read-only folder writable",
  ignore,
  fn: async () => {
    await using p = await project();
    const r = await run(
      p.runner,
      "grep CapEff /proc/self/status; mount -o remount,rw /usr 2>&1; touch /usr/lao_rt 2>&1; echo end",
    );
    assert.match(r.output, /CapEff:\s+0+$/m);
    await assert.rejects(Deno.stat("/usr/lao_rt"), Deno.errors.NotFound);
  },
});
