/**
 * Smoke test of the compiled binary: builds `dist/lao-<host>` with
 * `deno task compile:host` and runs packaging/smoke.sh on it (version, init,
 * status --json, sandbox check, demo). `deno compile` needs Deno's runtime
 * (`denort`); where neither `DENORT_BIN` nor Deno's cache has it, the test is
 * reported as ignored, with the reason in its name.
 *
 * @module
 */
import assert from "node:assert/strict";
import { findRuntime } from "../tools/compile.ts";
import { REPO } from "./lao_process.ts";

const runtime = await findRuntime(Deno.build.target);

Deno.test({
  name: runtime
    ? "the compiled binary passes the smoke test"
    : "the compiled binary passes the smoke test (skipped: no denort here; set DENORT_BIN)",
  ignore: runtime === undefined,
  fn: async () => {
    const build = await new Deno.Command("deno", {
      args: ["task", "-q", "compile:host"],
      cwd: REPO,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(build.code, 0, new TextDecoder().decode(build.stderr));
    const smoke = await new Deno.Command("sh", {
      args: [`${REPO}/packaging/smoke.sh`, `${REPO}/dist/lao-${Deno.build.target}`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    assert.equal(smoke.code, 0, dec.decode(smoke.stdout) + dec.decode(smoke.stderr));
    assert.match(dec.decode(smoke.stdout), /smoke: ok/);
  },
});
