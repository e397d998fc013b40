/**
 * A task that fails tells why where a user looks: its line in the plain log,
 * `lao status`, `lao status --json` and the run summary carry the finding
 * that failed it (not only "validation gate rejected").
 */
import assert from "node:assert/strict";
import { start } from "./fake_server/server.ts";
import { runLao, SMALL_MODELS_YAML } from "./lao_process.ts";
import { scriptedSession } from "./pipeline/scripted.ts";

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
    const run = await runLao(dir, ["run", "--single-run", "--plain"]);
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

    const status = await runLao(dir, ["status"]);
    assert.equal(status.code, 0, status.stderr);
    const failedTasks = status.stdout.slice(status.stdout.indexOf("Failed tasks"));
    assert.match(failedTasks, /#1 Broken module \[broken\.md\] no_progress_rework_loop: /);
    assert.match(failedTasks, finding);
    assert.ok(failedTasks.includes(`full report: ${report}`), failedTasks);

    const json = await runLao(dir, ["status", "--json"]);
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
