/**
 * What a run leaves in git and what `lao undo` and `lao log` do with it, all
 * in-process (the run journey in a process is `tests/cli_run_test.ts`).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { start } from "./fake_server/server.ts";
import { exampleProject } from "./lao_process.ts";
import { laoInProcess } from "./lao_in_process.ts";
import { EXAMPLE_TASKS, scriptedSession } from "./pipeline/scripted.ts";

/** The example plan run to the end by `lao run` in-process, with commit trailers. */
async function runExample(url: string): Promise<string> {
  const dir = await exampleProject(
    url,
    "orchestration:\n  retry_cooldown_base_s: 0\ngit:\n  commit_trailers: true\n",
  );
  const r = await laoInProcess(dir, ["run", "--single-run", "--plain"]);
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

async function git(cwd: string, ...args: string[]) {
  const out = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  return new TextDecoder().decode(out.stdout);
}

// One finished run, then what a user does with its history: each step checks
// one thing and the undo step starts from the run the first step looked at.
Deno.test("a finished run's git history", async (t) => {
  await using server = await start({ respond: scriptedSession(EXAMPLE_TASKS) });
  const dir = await runExample(server.url);
  const ws = join(dir, "example_plan");
  try {
    await t.step(
      "the run leaves one commit per phase, each coder commit holding only its task's file",
      async () => {
        const subjects = (await git(ws, "log", "--reverse", "--format=%s")).trim().split("\n");
        assert.deepEqual(subjects, [
          "lao(plan): add plan snapshot for example_plan",
          "lao(architect): decompose plan example_plan into 2 tasks",
          "lao(coder): task #1 Greeting library",
          "lao(reviewer): approved task #1 Greeting library",
          "lao(coder): task #2 Greeting tests",
          "lao(reviewer): approved task #2 Greeting tests",
          "lao(report): update quality report",
        ]);
        const coder1 = (await git(ws, "log", "--format=%H", "--grep", "^lao(coder): task #1"))
          .trim();
        assert.deepEqual(
          (await git(ws, "show", "--name-only", "--format=", coder1)).trim().split("\n"),
          [
            "greeting/__init__.py",
          ],
        );
        assert.match(await git(ws, "show", "-s", "--format=%B", coder1), /LAO-Task-ID: 1/);
        // A second run with nothing to do leaves the history (and the reports) alone.
        const again = await laoInProcess(dir, ["run", "--single-run", "--plain"]);
        assert.equal(again.code, 0, again.stderr);
        assert.equal(
          (await git(ws, "log", "--format=%s")).trim().split("\n").length,
          subjects.length,
        );
        const log = await laoInProcess(dir, ["log"]);
        assert.equal(log.code, 0, log.stderr);
        assert.match(log.stdout, /coder.*#1/);
      },
    );

    await t.step(
      "lao undo refuses while a later task depends on the change, then reverts and re-queues",
      async () => {
        const refused = await laoInProcess(dir, ["undo", "1"]);
        assert.equal(refused.code, 1);
        assert.match(
          refused.stderr,
          /Cannot undo task #1: later task #2 "Greeting tests" depends on it/,
        );
        assert.ok(await Deno.stat(join(ws, "greeting", "__init__.py")));

        const undo = await laoInProcess(dir, ["undo", "2", "--note", "use pytest instead"]);
        assert.equal(undo.code, 0, undo.stderr);
        assert.match(undo.stdout, /Task #2 is pending again/);
        await assert.rejects(
          () => Deno.stat(join(ws, "tests", "test_greeting.py")),
          Deno.errors.NotFound,
        );
        const status = JSON.parse((await laoInProcess(dir, ["status", "--json"])).stdout);
        assert.deepEqual([status.tasks.completed, status.tasks.pending], [1, 1]);

        // The next run codes the task again and finishes the plan.
        const again = await laoInProcess(dir, ["run", "--single-run", "--plain"]);
        assert.equal(again.code, 0, again.stderr);
        assert.equal(
          await Deno.readTextFile(join(ws, "tests", "test_greeting.py")),
          EXAMPLE_TASKS[1]!.content,
        );
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--no-git leaves the plan workspace without a repository", async () => {
  await using server = await start({ respond: scriptedSession(EXAMPLE_TASKS) });
  const dir = await exampleProject(server.url);
  try {
    const r = await laoInProcess(dir, ["run", "--single-run", "--plain", "--no-git"]);
    assert.equal(r.code, 0, r.stderr);
    await assert.rejects(() => Deno.stat(join(dir, "example_plan", ".git")), Deno.errors.NotFound);
    assert.ok(await Deno.stat(join(dir, "example_plan", "greeting", "__init__.py")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
