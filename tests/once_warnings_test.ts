/**
 * One message per problem: a run on the example plan prints each warning
 * once, however many tasks it touches — a validation command that cannot
 * start in the sandbox, the hidden-toolchain hint, everything else.
 */
import assert from "node:assert/strict";
import { start } from "./fake_server/server.ts";
import { exampleProject, runLao } from "./lao_process.ts";
import { EXAMPLE_TASKS, scriptedSession } from "./pipeline/scripted.ts";

Deno.test("lao run prints a validation command that cannot start once, and no warning twice", async () => {
  await using server = await start({ respond: scriptedSession(EXAMPLE_TASKS) });
  const dir = await exampleProject(
    server.url,
    "orchestration:\n  retry_cooldown_base_s: 0\n  validation_lint_cmd: lao-no-such-linter .\n",
  );
  try {
    const run = await runLao(dir, ["run", "--single-run", "--plain"]);
    assert.equal(run.code, 0, run.stderr);
    // Both tasks were validated with the command (it is a note per task in the report) ...
    const report = await Deno.readTextFile(`${dir}/example_plan/LAO_QUALITY.md`);
    assert.equal(report.match(/"lao-no-such-linter \." could not run here/g)?.length, 2, report);
    // ... and the run said so once, with the fix.
    const warnings = run.stderr.split("\n").filter((l) => / warning: /.test(l));
    const about = warnings.filter((l) => l.includes('"lao-no-such-linter ."'));
    assert.equal(about.length, 1, run.stderr);
    assert.match(about[0]!, /cannot run in the sandbox \(exit 127\); tasks are not failed for it/);
    assert.match(about[0]!, /tools\.shell\.home_allow/);
    const texts = warnings.map((l) => l.replace(/^\S+ /, ""));
    assert.deepEqual(texts, [...new Set(texts)], "a warning printed twice");
    assert.match(run.stdout, /2\/2 tasks completed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
