/**
 * What a run tells the user, in-process (the run journey in a process is
 * `tests/cli_run_test.ts`):
 *
 * - one message per problem: a run on the example plan prints each warning
 *   once, however many tasks it touches (a validation command that cannot
 *   start in the sandbox, the hidden-toolchain hint, everything else);
 * - a task that fails tells why where a user looks: its line in the plain
 *   log, `lao status`, `lao status --json` and the run summary carry the
 *   finding that failed it (not only "validation gate rejected");
 * - a key the server refuses mid-run (401 on chat, while the model listing
 *   worked) stops the run at once with one line that says to check the API
 *   key: no pause loop, no attempt used, no stack trace.
 */
import assert from "node:assert/strict";
import { start } from "./fake_server/server.ts";
import { exampleProject, SMALL_MODELS_YAML } from "./lao_process.ts";
import { laoInProcess } from "./lao_in_process.ts";
import { EXAMPLE_TASKS, KEYS, scriptedSession } from "./pipeline/scripted.ts";

Deno.test("lao run prints a validation command that cannot start once, and no warning twice", async () => {
  await using server = await start({ respond: scriptedSession(EXAMPLE_TASKS) });
  const dir = await exampleProject(
    server.url,
    "orchestration:\n  retry_cooldown_base_s: 0\n  validation_lint_cmd: lao-no-such-linter .\n",
  );
  try {
    const run = await laoInProcess(dir, ["run", "--single-run", "--plain"]);
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

Deno.test("a failing task's finding is in the plain log, lao status (text and JSON) and the summary", async () => {
  // The coder writes the same Python syntax error on every attempt.
  const broken = {
    title: "Broken module",
    file: "pkg/m.py",
    content: "def broken(:\n    return 1\n",
  };
  await using server = await start({ respond: scriptedSession([broken]) });
  const dir = await Deno.makeTempDir({ prefix: "lao_fail_" });
  try {
    await Deno.mkdir(`${dir}/plans`);
    await Deno.writeTextFile(`${dir}/plans/broken.md`, "# Broken\n\n- Broken module: pkg/m.py\n");
    await Deno.writeTextFile(
      `${dir}/factory.yaml`,
      `lm_studio_base_url: ${server.url}\nserver:\n  kind: lmstudio\nmodels:\n${SMALL_MODELS_YAML}` +
        "orchestration:\n  retry_cooldown_base_s: 0\n",
    );
    const finding = /pkg\/m\.py python_compile_error: Cannot compile .*invalid syntax/;
    const report = `${dir}/broken/LAO_QUALITY.md`;
    const run = await laoInProcess(dir, ["run", "--single-run", "--plain"]);
    assert.equal(run.code, 1, run.stderr);
    // The plain log: the failed task's line (a warning, on stderr) says why.
    const failedLine = run.stderr.split("\n").find((l) => /task #1 review → failed/.test(l));
    assert.ok(failedLine, run.stderr);
    assert.match(failedLine, finding);
    // So does the rework before it (on stdout).
    const rework = run.stdout.split("\n").find((l) => /task #1 review → pending/.test(l));
    assert.ok(rework, run.stdout);
    assert.match(rework, finding);
    // The summary (the end of stdout) lists the finding and the full report.
    const summary = run.stdout.slice(run.stdout.indexOf("LAO run finished"));
    assert.match(summary, /failed tasks:\n\s+#1 Broken module \[broken\.md\]\n\s+\[major\] /);
    assert.match(summary, finding);
    assert.ok(summary.includes(`full report: ${report}`), summary);

    const status = await laoInProcess(dir, ["status"]);
    assert.equal(status.code, 0, status.stderr);
    const failedTasks = status.stdout.slice(status.stdout.indexOf("Failed tasks"));
    assert.match(failedTasks, /#1 Broken module \[broken\.md\] no_progress_rework_loop: /);
    assert.match(failedTasks, finding);
    assert.ok(failedTasks.includes(`full report: ${report}`), failedTasks);

    const json = await laoInProcess(dir, ["status", "--json"]);
    const [failed] = JSON.parse(json.stdout).failed;
    assert.equal(failed.id, 1);
    assert.equal(failed.reason, "no_progress_rework_loop");
    assert.equal(failed.findings.length, 1);
    assert.match(failed.findings[0], finding);
    assert.equal(failed.report, report);
    // The full report holds the same finding.
    assert.match(await Deno.readTextFile(report), /invalid syntax/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (const role of ["planner", "coder"] as const) {
  Deno.test(`a 401 on the ${role}'s chat call stops the run with the API-key fix, attempts untouched`, async () => {
    await using server = await start({ respond: scriptedSession(EXAMPLE_TASKS) });
    server.setFaults({ kind: "http_401", model: KEYS[role], sticky: true });
    const dir = await exampleProject(server.url);
    try {
      const r = await laoInProcess(dir, ["run", "--single-run", "--plain", "--sandbox", "off"]);
      assert.equal(r.code, 1, r.stderr);
      const errors = r.stderr.split("\n").filter((l) => l.startsWith("lao: "));
      assert.equal(errors.length, 1, r.stderr);
      assert.match(errors[0]!, /API key/);
      assert.doesNotMatch(r.stderr, /internal error|at .*\.ts:\d+/);
      assert.doesNotMatch(r.stdout, /pausing/);
      const status = JSON.parse((await laoInProcess(dir, ["status", "--json"])).stdout);
      assert.equal(status.failed.length, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
