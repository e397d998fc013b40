/**
 * `lao health`, `lao run`, `lao sandbox check` and the demo as a user runs them.
 * A process where only a process shows it: one `lao run` journey (its exit code
 * and summary, the environment its sandboxed shell must not see), the demo task,
 * a PATH without bubblewrap; in-process otherwise (a stopped server's one-line
 * error in a process is `tests/cli_json_test.ts`'s `lao run --json`).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type Respond, start } from "./fake_server/server.ts";
import { exampleProject, REPO, runLao } from "./lao_process.ts";
import { laoInProcess } from "./lao_in_process.ts";
import { EXAMPLE_TASKS, KEYS, scriptedSession } from "./pipeline/scripted.ts";

async function inTemp(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "lao_cli_run_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const nonEmpty = (s: string) => s.split("\n").filter((l) => l.trim() !== "");

Deno.test("lao health against a stopped server exits non-zero with a one-line fix hint", async () => {
  await inTemp(async (dir) => {
    // A port nothing listens on: bind one, then close it.
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const r = await laoInProcess(dir, ["health", "--lm-studio-url", `http://127.0.0.1:${port}`]);
    assert.equal(r.code, 1);
    const errors = nonEmpty(r.stderr);
    assert.equal(errors.length, 1, r.stderr);
    assert.match(
      errors[0]!,
      /^lao: Cannot reach the model server at http:\/\/127\.0\.0\.1:\d+: start it/,
    );
  });
});

Deno.test("lao health against the fake server with every model present exits 0 and loads nothing", async () => {
  await inTemp(async (dir) => {
    await using server = await start({});
    const r = await laoInProcess(dir, ["health", "--json", "--lm-studio-url", server.url]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.ok, true);
    assert.equal(doc.server.reachable, true);
    assert.deepEqual(doc.roles.map((x: { present: boolean }) => x.present), [
      true,
      true,
      true,
      true,
      true,
    ]);
    assert.match(doc.sandbox, /^sandbox: /);
    assert.equal(server.state.loads, 0);
    const text = await laoInProcess(dir, ["health", "--lm-studio-url", server.url]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /qwen\/qwen3-coder-30b/);
  });
});

Deno.test("lao health names a missing model and suggests the closest available key", async () => {
  await inTemp(async (dir) => {
    await using server = await start({});
    const r = await laoInProcess(dir, [
      "health",
      "--json",
      "--lm-studio-url",
      server.url,
      "--coder-model",
      "qwen/qwen3-coder-31b",
    ]);
    assert.equal(r.code, 1);
    const coder = JSON.parse(r.stdout).roles.find((x: { role: string }) => x.role === "coder");
    assert.deepEqual([coder.present, coder.suggestion], [false, KEYS.coder]);
  });
});

Deno.test("deno task demo runs the example plan offline and leaves the checkout clean", async () => {
  const before = await new Deno.Command("git", { args: ["status", "--porcelain"], cwd: REPO })
    .output();
  const out = await new Deno.Command("deno", {
    args: ["task", "demo"],
    cwd: REPO,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.match(stdout, /tasks: 2 completed/);
  const code = /generated code: (\S+)/.exec(stdout)?.[1];
  assert.ok(code, stdout);
  try {
    assert.match(await Deno.readTextFile(join(code, "greeting", "__init__.py")), /def greet/);
    assert.match(await Deno.readTextFile(join(code, "LAO_QUALITY.md")), /#/);
  } finally {
    await Deno.remove(join(code, ".."), { recursive: true });
  }
  const after = await new Deno.Command("git", { args: ["status", "--porcelain"], cwd: REPO })
    .output();
  assert.equal(new TextDecoder().decode(after.stdout), new TextDecoder().decode(before.stdout));
});

Deno.test("lao sandbox check passes every row on this machine", async () => {
  await inTemp(async (dir) => {
    const r = await laoInProcess(dir, ["sandbox", "check"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^sandbox: bwrap/m);
    assert.doesNotMatch(r.stdout, /FAIL/);
    assert.ok((r.stdout.match(/ PASS\b/g) ?? []).length >= 15, r.stdout);
    assert.match(r.stdout, /^all checks passed$/m);
  });
});

Deno.test("--sandbox required without bubblewrap on PATH exits 78 with the reason", async () => {
  await inTemp(async (dir) => {
    const bin = join(dir, "bin");
    await Deno.mkdir(bin);
    for (const tool of ["deno", "git", "sh"]) {
      const where = new TextDecoder().decode(
        (await new Deno.Command("sh", { args: ["-c", `command -v ${tool}`] }).output()).stdout,
      ).trim();
      await Deno.symlink(await Deno.realPath(where), join(bin, tool));
    }
    const r = await runLao(dir, ["run", "--single-run", "--sandbox", "required"], {
      env: { PATH: bin },
    });
    assert.equal(r.code, 78, r.stderr);
    assert.match(
      nonEmpty(r.stderr).at(-1)!,
      /^lao: Cannot start the shell tool: .*required.*bwrap/,
    );
  });
});

Deno.test("a cassette that does not match the run stops it with the first mismatching request", async () => {
  await inTemp(async (dir) => {
    await Deno.mkdir(join(dir, "plans"));
    await Deno.copyFile(
      join(REPO, "plans", "example_plan.md"),
      join(dir, "plans", "example_plan.md"),
    );
    const tape = await Deno.readTextFile(join(REPO, "plans", "example_plan.cassette.jsonl"));
    await Deno.writeTextFile(join(dir, "tape.jsonl"), tape);
    await Deno.writeTextFile(join(dir, "factory.yaml"), "tools:\n  shell:\n    enabled: false\n");
    const r = await laoInProcess(dir, [
      "run",
      "--plain",
      "--replay",
      "tape.jsonl",
      "--coder-model",
      "some/other-coder",
    ]);
    assert.equal(r.code, 1);
    assert.match(
      nonEmpty(r.stderr).at(-1)!,
      /^lao: Cassette mismatch at coder request #1: expected model "qwen\/qwen3-coder-30b", got "some\/other-coder"/,
    );
    const status = JSON.parse((await laoInProcess(dir, ["status", "--json"])).stdout);
    assert.deepEqual([status.tasks.pending, status.tasks.failed], [2, 0]);
  });
});

/**
 * The coder's first task runs `shell_exec` (a file and the key it can see), then
 * writes the library; everything else is the example plan's scripted session.
 */
function shellSession(): { respond: Respond; shellResult: () => string } {
  const session = scriptedSession(EXAMPLE_TASKS);
  let shellResult = "";
  const respond: Respond = (body, ctx) => {
    const msgs = body.messages ?? [];
    const last = msgs.at(-1);
    if (
      body.model === KEYS.coder && String(msgs[1]?.content).includes("## Task: Greeting library")
    ) {
      if (last?.role === "user") {
        return {
          toolCalls: [{
            name: "shell_exec",
            arguments: { command: 'echo sandboxed > proof.txt; echo "key=[$OPENAI_API_KEY]"' },
          }],
        };
      }
      if (last?.role === "tool" && !shellResult) {
        shellResult = String(last.content);
        const lib = EXAMPLE_TASKS[0]!;
        return {
          toolCalls: [{ name: "file_write", arguments: { path: lib.file, content: lib.content } }],
        };
      }
    }
    return session(body, ctx);
  };
  return { respond, shellResult: () => shellResult };
}

// One `lao run` process for the whole journey (its exit code, stdout, the
// environment its sandboxed shell gets); each step checks one thing it shows.
Deno.test("lao run --single-run in a process", async (t) => {
  const { respond, shellResult } = shellSession();
  await using server = await start({ respond });
  const dir = await exampleProject(server.url, "orchestration:\n  retry_cooldown_base_s: 0\n");
  try {
    const r = await runLao(dir, ["run", "--single-run", "--plain"], {
      env: { OPENAI_API_KEY: "sk-very-secret" },
    });

    await t.step("completes the plan against the fake server and prints the summary", async () => {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /LAO run finished/);
      assert.match(r.stdout, /tasks: 2 completed/);
      assert.match(r.stdout, /lao\(coder\): task #1 Greeting library/);
      const status = JSON.parse((await laoInProcess(dir, ["status", "--json"])).stdout);
      assert.equal(status.tasks.completed, 2);
      assert.ok(status.tokens.coder.prompt > 0);
    });

    await t.step(
      "the coder's shell runs in the sandbox: status line first, no secrets, workspace writable",
      async () => {
        assert.match(shellResult(), /^sandbox: bwrap \(/);
        assert.match(shellResult(), /key=\[\]/);
        assert.doesNotMatch(shellResult(), /sk-very-secret/);
        assert.equal(
          await Deno.readTextFile(join(dir, "example_plan", "proof.txt")),
          "sandboxed\n",
        );
        // The file the shell wrote belongs to the task: it is in the task's commit.
        const shown = await new Deno.Command("git", {
          args: ["log", "--name-only", "--format=%s", "--grep", "^lao(coder): task #1"],
          cwd: join(dir, "example_plan"),
          stdout: "piped",
        }).output();
        const files = new TextDecoder().decode(shown.stdout);
        assert.match(files, /proof\.txt/);
        assert.match(files, /greeting\/__init__\.py/);
      },
    );

    await t.step(
      "a second run with --json prints one JSON event per line and the summary",
      async () => {
        const json = await laoInProcess(dir, ["run", "--single-run", "--json"]);
        assert.equal(json.code, 0, json.stderr);
        for (const line of nonEmpty(json.stdout)) JSON.parse(line);
        assert.match(json.stdout, /"type":"run.summary"/);
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a single run that leaves failed tasks exits 1 and says what to do", async () => {
  const { TEN_TASKS } = await import("./pipeline/scripted.ts");
  const failing = [{ ...TEN_TASKS[0]!, rejectTimes: 99 }];
  await using server = await start({ respond: scriptedSession(failing) });
  const dir = await exampleProject(server.url, "orchestration:\n  retry_cooldown_base_s: 0\n");
  try {
    const r = await laoInProcess(dir, ["run", "--single-run", "--plain"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      nonEmpty(r.stderr).at(-1)!,
      /^lao: 1 task\(s\) failed: see lao status, then lao retry-failed or edit the plan$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
