/**
 * The `lao` permission set in deno.json is the one definition of what LAO may
 * do: tasks run with it, the compiled binary is built with it, `lao version
 * --json` prints it. `lao-test` may differ from it only by the two programs
 * the tests start (`deno` to run LAO as users do, `tmux` for terminal tests)
 * and the variable naming the tests' folder outside `/tmp`
 * (`testing/outside_dir.ts`).
 *
 * @module
 */
import assert from "node:assert/strict";
import denoJson from "../deno.json" with { type: "json" };
import { TEST_ARGS } from "./check_and_test.ts";
import { OUTSIDE_ENV } from "../testing/outside_dir.ts";
import { compileArgs } from "./compile.ts";

const TEST_ONLY_PROGRAMS = ["deno", "tmux"];

Deno.test("lao-test is the lao permission set plus deno, tmux and LAO_TEST_OUTSIDE, nothing else", () => {
  const lao = denoJson.permissions.lao;
  const test = denoJson.permissions["lao-test"];
  assert.deepEqual(
    { ...test, run: undefined, env: { ...test.env, allow: undefined } },
    { ...lao, run: undefined, env: { ...lao.env, allow: undefined } },
  );
  assert.deepEqual(test.run, [...lao.run, ...TEST_ONLY_PROGRAMS]);
  assert.deepEqual(test.env.allow, [...lao.env.allow, OUTSIDE_ENV]);
});

Deno.test("every task that runs LAO, and the compiled binary, use -P=lao", () => {
  for (const [name, command] of Object.entries(denoJson.tasks)) {
    // Tasks that start LAO itself (`… main.ts`), not other scripts named main.ts.
    if (!/(^|\s)main\.ts(\s|$)/.test(command) || name === "test") continue;
    assert.match(command, /-P=lao(\s|$)/, `task ${name}`);
  }
  assert.ok(compileArgs("x86_64-unknown-linux-gnu").includes("-P=lao"));
  // The suite itself runs through tools/check_and_test.ts, under the lao-test set.
  assert.match(denoJson.tasks.test, /tools\/check_and_test\.ts/);
  assert.ok(TEST_ARGS.includes("-P=lao-test"));
});

Deno.test("lao version --json prints the lao permission set from deno.json", async () => {
  const out = await new Deno.Command("deno", {
    args: ["run", "-q", "-P=lao", "main.ts", "version", "--json"],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const doc = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(doc.version, denoJson.version);
  assert.equal(doc.target, Deno.build.target);
  assert.equal(doc.deno, Deno.version.deno);
  assert.equal(doc.compiled, false);
  assert.deepEqual(doc.permissions, { set: "lao", grants: denoJson.permissions.lao });
});
