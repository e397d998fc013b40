import assert from "node:assert/strict";
import { join } from "node:path";
import { probeSandbox, realProbeDeps, type SandboxBackend } from "../../src/sandbox/probe.ts";
import { ShellRunner, type ShellRunnerOptions } from "../../src/sandbox/shell.ts";
import { sandboxStatusLine } from "../../src/sandbox/status.ts";
import { makeFixture, sh } from "./fixture.ts";

const backend = await probeSandbox(realProbeDeps());
const noBwrap = backend.kind !== "bwrap";
const NONE: SandboxBackend = { kind: "none", reason: "test" };

function runner(root: string, extra: Partial<ShellRunnerOptions> = {}): ShellRunner {
  const b = extra.backend ?? backend;
  return new ShellRunner({
    root,
    backend: b,
    network: false,
    statusLine: sandboxStatusLine({ backend: b, mode: "auto", network: false }),
    killGraceMs: 200,
    ...extra,
  });
}

/**
 * True once nothing holds the lock on `path` (a background process of the
 * command took it). Retries a bounded number of times while the kill lands;
 * looks at this one lock only, never at the host's process table.
 */
async function lockReleased(path: string): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    const free = await sh(`flock -n '${path}' true && echo free || true`);
    if (free.trim() === "free") return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

Deno.test({
  name: "shell (bwrap): writing outside the workspace fails and leaves nothing behind",
  ignore: noBwrap,
  fn: async () => {
    await using fx = await makeFixture();
    const r = await runner(fx.ws).run({
      command:
        `echo pwned > '${fx.outside}/x.txt'; echo pwned > '${fx.secret}'; echo pwned > /usr/lao_redteam_probe`,
      timeoutMs: 10_000,
    });
    assert.notEqual(r.exitCode, 0);
    assert.match(r.output, /Read-only file system/);
    await assert.rejects(Deno.stat("/usr/lao_redteam_probe"), Deno.errors.NotFound);
    assert.equal(await Deno.readTextFile(fx.secret), "SECRET");
    await assert.rejects(Deno.stat(join(fx.outside, "x.txt")), Deno.errors.NotFound);
  },
});

Deno.test({
  name: "shell (bwrap): writing through a planted symlink fails",
  ignore: noBwrap,
  fn: async () => {
    await using fx = await makeFixture();
    await Deno.symlink(fx.outside, join(fx.ws, "link"));
    await Deno.symlink(fx.secret, join(fx.ws, "secret_link"));
    await runner(fx.ws).run({
      command: "echo pwned > link/y.txt; echo pwned > secret_link",
      timeoutMs: 10_000,
    });
    assert.equal(await Deno.readTextFile(fx.secret), "SECRET");
    await assert.rejects(Deno.stat(join(fx.outside, "y.txt")), Deno.errors.NotFound);
  },
});

Deno.test({
  name: "shell (bwrap): the workspace stays writable and .git hooks and config stay read-only",
  ignore: noBwrap,
  fn: async () => {
    await using fx = await makeFixture();
    await Deno.mkdir(join(fx.ws, ".git", "hooks"), { recursive: true });
    await Deno.writeTextFile(join(fx.ws, ".git", "config"), "[core]\n");
    const r = await runner(fx.ws).run({
      command: "echo ok > made.txt; echo evil > .git/hooks/pre-commit; " +
        "echo '[core] fsmonitor = evil' >> .git/config; mv .git .git_moved; echo $?",
      timeoutMs: 10_000,
    });
    assert.equal(await Deno.readTextFile(join(fx.ws, "made.txt")), "ok\n");
    await assert.rejects(Deno.stat(join(fx.ws, ".git", "hooks", "pre-commit")));
    assert.equal(await Deno.readTextFile(join(fx.ws, ".git", "config")), "[core]\n");
    await assert.rejects(Deno.stat(join(fx.ws, ".git_moved")));
    assert.match(r.output, /^1$/m);
  },
});

Deno.test({
  name:
    "shell (bwrap): files under the home folder are hidden, allowed toolchain folders are read-only",
  ignore: noBwrap,
  fn: async () => {
    // A fake home outside /tmp, so the private /tmp cannot be what hides it.
    const dir = await Deno.stat("/var/tmp").then(() => "/var/tmp", () => undefined);
    await using fx = await makeFixture(dir);
    const home = join(fx.base, "home");
    await Deno.mkdir(join(home, ".ssh"), { recursive: true });
    await Deno.mkdir(join(home, ".cargo"));
    await Deno.writeTextFile(join(home, ".ssh", "id_rsa"), "PRIVATE-KEY");
    await Deno.writeTextFile(join(home, ".cargo", "env"), "CARGO-ENV");
    const r = await runner(fx.ws, { home, homeAllow: [join(home, ".cargo")] }).run({
      command: `cat '${home}/.ssh/id_rsa'; cat '${home}/.cargo/env'; echo x > '${home}/.cargo/env'`,
      timeoutMs: 10_000,
    });
    assert.doesNotMatch(r.output, /PRIVATE-KEY/);
    assert.match(r.output, /CARGO-ENV/);
    assert.equal(await Deno.readTextFile(join(home, ".cargo", "env")), "CARGO-ENV");
  },
});

Deno.test({
  name: "shell: the API key and secret-looking variables never reach the command",
  ignore: noBwrap,
  fn: async () => {
    await using fx = await makeFixture();
    const before = Deno.env.get("OPENAI_API_KEY");
    Deno.env.set("OPENAI_API_KEY", "sk-fake-red-team");
    try {
      const env = (name: string) =>
        name === "MY_SERVICE_TOKEN" ? "tok-red-team" : Deno.env.get(name);
      for (const b of [backend, NONE]) {
        const r = await runner(fx.ws, {
          backend: b,
          envAllow: ["OPENAI_API_KEY", "MY_SERVICE_TOKEN"],
          getEnv: env,
        }).run({ command: "echo key=$OPENAI_API_KEY; env", timeoutMs: 10_000 });
        assert.doesNotMatch(r.output, /sk-fake-red-team|tok-red-team/);
        assert.match(r.output, /^key=$/m);
      }
    } finally {
      if (before === undefined) Deno.env.delete("OPENAI_API_KEY");
      else Deno.env.set("OPENAI_API_KEY", before);
    }
  },
});

Deno.test({
  name: "shell (bwrap): a TCP connection to a loopback listener fails with the network off",
  ignore: noBwrap,
  fn: async () => {
    await using fx = await makeFixture();
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    const r = await runner(fx.ws).run({
      command:
        `python3 -c "import socket; socket.create_connection(('127.0.0.1', ${port}), 3); print('CONNECTED')"`,
      timeoutMs: 10_000,
    });
    assert.notEqual(r.exitCode, 0);
    assert.doesNotMatch(r.output, /CONNECTED/);
  },
});

for (const [label, b] of [["bwrap", backend], ["no sandbox", NONE]] as const) {
  Deno.test({
    name: `shell (${label}): a background process does not outlive the timeout`,
    ignore: label === "bwrap" && noBwrap,
    fn: async () => {
      await using fx = await makeFixture();
      const lock = join(fx.ws, "held.lock");
      await Deno.writeTextFile(lock, "");
      const r = await runner(fx.ws, { backend: b }).run({
        command: "flock held.lock sleep 1037 & sleep 1 && sleep 1037",
        timeoutMs: 600,
      });
      assert.equal(r.timedOut, true);
      assert.equal(await lockReleased(lock), true);
    },
  });
}

Deno.test({
  name: "shell: an output flood is capped for the model and kept whole in the log",
  fn: async () => {
    await using fx = await makeFixture();
    const r = await runner(fx.ws, { backend: noBwrap ? NONE : backend }).run({
      command: "i=0; while [ $i -lt 20000 ]; do echo line-$i; i=$((i+1)); done",
      timeoutMs: 30_000,
      logDir: join(fx.base, "logs"),
    });
    assert.equal(r.exitCode, 0);
    assert.ok(r.output.length < 4200, `output is ${r.output.length} chars`);
    assert.match(r.output, /^line-0$/m);
    assert.match(r.output, /\.\.\. \d+ bytes omitted \.\.\./);
    assert.match(r.output, /^line-19999$/m);
    assert.ok(r.logPath !== undefined);
    const log = await Deno.readTextFile(r.logPath);
    assert.equal(log.split("\n").length, 20001);
  },
});
