import assert from "node:assert/strict";
import { buildShellEnv, isSecretName } from "./env.ts";

Deno.test("isSecretName() flags keys, tokens, secrets and passwords", () => {
  for (const n of ["OPENAI_API_KEY", "GITHUB_TOKEN", "AWS_SECRET", "DB_PASSWORD", "my_key"]) {
    assert.equal(isSecretName(n), true, n);
  }
  for (const n of ["PATH", "LANG", "KEYBOARD", "CARGO_HOME"]) {
    assert.equal(isSecretName(n), false, n);
  }
});

Deno.test("buildShellEnv() passes only allowlisted, non-secret variables", () => {
  const parent: Record<string, string> = {
    PATH: "/bin",
    LANG: "C.UTF-8",
    CARGO_HOME: "/c",
    GH_TOKEN: "t",
    OPENAI_API_KEY: "k",
    OTHER: "o",
    LD_PRELOAD: "/evil.so",
  };
  const env = buildShellEnv({
    getEnv: (n) => parent[n],
    envAllow: ["CARGO_HOME", "GH_TOKEN", "OPENAI_API_KEY", "LD_PRELOAD"],
    home: "/home/u",
    tmpdir: "/tmp",
    sandbox: "bwrap",
    networkDisabled: true,
  });
  assert.equal(env.PATH, "/bin");
  assert.equal(env.CARGO_HOME, "/c");
  assert.equal(env.HOME, "/home/u");
  assert.equal(env.LAO_SANDBOX_NETWORK_DISABLED, "1");
  for (const n of ["GH_TOKEN", "OPENAI_API_KEY", "OTHER", "LD_PRELOAD"]) {
    assert.equal(env[n], undefined, n);
  }
});
