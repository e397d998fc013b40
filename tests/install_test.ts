/**
 * install.sh against a local HTTP server serving a fake release: a good
 * archive installs an executable `lao` that prints its version; a checksum
 * mismatch installs nothing. Also keeps install.sh and the smoke script
 * shellcheck-clean.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO } from "./lao_process.ts";

const TARGET = Deno.build.target === "aarch64-unknown-linux-gnu" ||
    Deno.build.target === "x86_64-unknown-linux-gnu" ||
    Deno.build.target === "x86_64-apple-darwin" || Deno.build.target === "aarch64-apple-darwin"
  ? Deno.build.target
  : undefined;

async function sh(script: string, cwd: string, env: Record<string, string> = {}) {
  const out = await new Deno.Command("sh", {
    args: ["-c", script],
    cwd,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function sha256Hex(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A release folder with lao-<target>.tar.gz and SHA256SUMS (optionally a wrong sum). */
async function fakeRelease(dir: string, opts: { wrongSum?: boolean } = {}): Promise<string> {
  const release = join(dir, "release");
  const stage = join(dir, "stage");
  await Deno.mkdir(release, { recursive: true });
  await Deno.mkdir(stage, { recursive: true });
  await Deno.writeTextFile(join(stage, "lao"), '#!/bin/sh\necho "lao 9.9.9"\n', { mode: 0o755 });
  const archive = `lao-${TARGET}.tar.gz`;
  const tar = await sh(`tar -czf '${join(release, archive)}' -C '${stage}' lao`, dir);
  assert.equal(tar.code, 0, tar.stderr);
  const sum = opts.wrongSum ? "0".repeat(64) : await sha256Hex(join(release, archive));
  await Deno.writeTextFile(join(release, "SHA256SUMS"), `${sum}  ${archive}\n`);
  return release;
}

/** Serves `root` on loopback until the returned server is shut down. */
function serve(root: string) {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const name = new URL(req.url).pathname.split("/").pop() ?? "";
    try {
      return new Response(await Deno.readFile(join(root, name)));
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
}

async function withTemp(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "lao_install_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "install.sh installs a verified release binary and prints the next commands",
  ignore: TARGET === undefined,
  fn: () =>
    withTemp(async (dir) => {
      const server = serve(await fakeRelease(dir));
      try {
        const url = `http://127.0.0.1:${server.addr.port}/v9.9.9`;
        const r = await sh(`sh '${REPO}/install.sh' --version 9.9.9 --base-url '${url}'`, dir, {
          HOME: dir,
          PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        });
        assert.equal(r.code, 0, r.stderr + r.stdout);
        const bin = join(dir, ".local", "bin", "lao");
        assert.ok(((await Deno.stat(bin)).mode ?? 0) & 0o100, "not executable");
        const v = await sh(`'${bin}' --version`, dir);
        assert.equal(v.stdout.trim(), "lao 9.9.9");
        assert.match(r.stdout, /installed lao 9\.9\.9 to .*\.local\/bin\/lao/);
        assert.match(r.stdout, /lao init/);
        assert.match(r.stdout, /lao demo/);
      } finally {
        await server.shutdown();
      }
    }),
});

Deno.test({
  name: "install.sh refuses an archive whose checksum does not match and installs nothing",
  ignore: TARGET === undefined,
  fn: () =>
    withTemp(async (dir) => {
      const server = serve(await fakeRelease(dir, { wrongSum: true }));
      try {
        const url = `http://127.0.0.1:${server.addr.port}`;
        const binDir = join(dir, "bin");
        const r = await sh(
          `sh '${REPO}/install.sh' --base-url '${url}' --bin-dir '${binDir}'`,
          dir,
          { HOME: dir, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
        );
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^install: checksum mismatch for lao-.*nothing installed$/m);
        await assert.rejects(Deno.stat(join(binDir, "lao")), Deno.errors.NotFound);
      } finally {
        await server.shutdown();
      }
    }),
});

const hasShellcheck = (await sh("command -v shellcheck", REPO)).code === 0;

Deno.test({
  name: "install.sh and the binary smoke script are shellcheck-clean",
  // CI installs shellcheck; elsewhere the check needs it installed.
  ignore: !hasShellcheck && Deno.env.get("CI") !== "true",
  fn: async () => {
    const r = await sh("shellcheck install.sh packaging/smoke.sh packaging/package.sh", REPO);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  },
});
