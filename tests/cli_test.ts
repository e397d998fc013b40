/**
 * The everyday commands. In a process: `--version` (answered before the CLI
 * loads), a narrower permission set, the home folder with Deno's cache. The
 * rest runs in-process (`lao status` there is the full CLI, which
 * `tests/cli_fast_path_test.ts` holds equal to the fast path).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { childEnv, denoDir, denoPath, REPO, runLao } from "./lao_process.ts";
import { laoInProcess } from "./lao_in_process.ts";

async function inTemp(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "lao_cli_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const nonEmpty = (s: string) => s.split("\n").filter((l) => l.trim() !== "");

Deno.test("init, then status --json, in an empty folder prints valid JSON with zero tasks", async () => {
  await inTemp(async (dir) => {
    const init = await laoInProcess(dir, ["init", "--no-interactive"]);
    assert.equal(init.code, 0, init.stderr);
    assert.ok((await Deno.stat(join(dir, "factory.yaml"))).isFile);
    assert.ok((await Deno.stat(join(dir, "plans", "README.md"))).isFile);
    assert.ok((await Deno.stat(join(dir, ".lao"))).isDirectory);
    const status = await laoInProcess(dir, ["status", "--json"]);
    assert.equal(status.code, 0, status.stderr);
    const doc = JSON.parse(status.stdout);
    assert.deepEqual(doc.tasks, {
      pending: 0,
      coding: 0,
      coded: 0,
      review: 0,
      completed: 0,
      failed: 0,
      cancelled: 0,
    });
    assert.equal(doc.total, 0);
    assert.equal(doc.paths.config, join(dir, "factory.yaml"));
  });
});

Deno.test("init never overwrites factory.yaml without --force", async () => {
  await inTemp(async (dir) => {
    await Deno.writeTextFile(join(dir, "factory.yaml"), "openai_api_key: mine\n");
    const again = await laoInProcess(dir, ["init", "--no-interactive"]);
    assert.equal(again.code, 2);
    assert.deepEqual(nonEmpty(again.stderr), [
      'lao: Cannot write "factory.yaml": it already exists (use --force to overwrite it)',
    ]);
    assert.equal(await Deno.readTextFile(join(dir, "factory.yaml")), "openai_api_key: mine\n");
    const forced = await laoInProcess(dir, ["init", "--no-interactive", "--force"]);
    assert.equal(forced.code, 0);
    assert.match(await Deno.readTextFile(join(dir, "factory.yaml")), /lm_studio_base_url/);
  });
});

Deno.test("a malformed factory.yaml gives one line naming file:line and exit 2", async () => {
  await inTemp(async (dir) => {
    const cases: [string, RegExp][] = [
      ["orchestration:\n\tcoder_batch_size: 4\n", /^lao: factory\.yaml:2: invalid YAML: /],
      [
        "orchestration:\n  coder_batch_size: lots\n",
        /^lao: factory\.yaml:2: orchestration\.coder_batch_size: expected a number, got the string "lots"$/,
      ],
      [
        "orchestraton:\n  coder_batch_size: 4\ngit:\n  enabled: maybe\n",
        /^lao: factory\.yaml:4: git\.enabled: expected a boolean/,
      ],
    ];
    for (const [yaml, expected] of cases) {
      await Deno.writeTextFile(join(dir, "factory.yaml"), yaml);
      const r = await laoInProcess(dir, ["status"]);
      assert.equal(r.code, 2, yaml);
      const lines = nonEmpty(r.stderr);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, expected);
      assert.equal(r.stdout, "");
    }
  });
});

Deno.test("an unknown key is a one-line warning with a suggestion; the command still runs", async () => {
  await inTemp(async (dir) => {
    await Deno.writeTextFile(join(dir, "factory.yaml"), "orchestration:\n  coder_bach_size: 4\n");
    const r = await laoInProcess(dir, ["status", "--json"]);
    assert.equal(r.code, 0);
    assert.deepEqual(nonEmpty(r.stderr), [
      'warning: factory.yaml:2: unknown key "orchestration.coder_bach_size" (did you mean "orchestration.coder_batch_size"?), ignored',
    ]);
    JSON.parse(r.stdout);
  });
});

Deno.test("global options work before and after the command", async () => {
  await inTemp(async (dir) => {
    const before = await laoInProcess(dir, ["--db", "x/state.db", "status", "--json"]);
    const after = await laoInProcess(dir, ["status", "--json", "--db", "x/state.db"]);
    assert.equal(before.code, 0, before.stderr);
    assert.equal(JSON.parse(before.stdout).paths.database, join(dir, "x", "state.db"));
    assert.equal(JSON.parse(after.stdout).paths.database, join(dir, "x", "state.db"));
  });
});

Deno.test("--version and version print the version", async () => {
  await inTemp(async (dir) => {
    const a = await runLao(dir, ["--version"]);
    const b = await runLao(dir, ["version"]);
    assert.equal(a.code, 0);
    assert.match(a.stdout.trim(), /^lao \d+\.\d+\.\d+$/);
    assert.equal(b.stdout, a.stdout);
  });
});

Deno.test("an unknown flag is a usage error with exit 2", async () => {
  await inTemp(async (dir) => {
    const r = await laoInProcess(dir, ["status", "--bogus"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--bogus'/);
  });
});

Deno.test("reset-failed still works and says it is deprecated", async () => {
  await inTemp(async (dir) => {
    // A project with state: reset-failed repairs state, it never creates it.
    const { Store } = await import("../src/store/store.ts");
    Store.open(join(dir, ".lao", "state.db")).close();
    const r = await laoInProcess(dir, ["reset-failed"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /deprecated; use "lao retry-failed"/);
    assert.equal(r.stdout.trim(), "Reset 0 failed tasks to pending.");
  });
});

Deno.test("lao run --pilot-only without a factory.yaml says how to get one", async () => {
  await inTemp(async (dir) => {
    const r = await laoInProcess(dir, ["run", "--pilot-only"]);
    assert.equal(r.code, 2);
    assert.equal(nonEmpty(r.stderr).filter((l) => l.startsWith("lao: ")).length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error/);
    assert.match(
      r.stderr,
      /Cannot start Pilot in ".*": no factory\.yaml \(run lao init, or lao projects use NAME\)/,
    );
  });
});

Deno.test("LAO refuses to run from the filesystem root", async () => {
  const r = await laoInProcess("/", ["status"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Cannot run from the filesystem root/);
});

Deno.test("a narrower permission set gets a one-line hint instead of a stack trace", async () => {
  await inTemp(async (dir) => {
    const out = await new Deno.Command(denoPath(), {
      args: ["run", "--quiet", `--allow-read=${REPO}`, `${REPO}/main.ts`, "status"],
      cwd: dir,
      env: childEnv(),
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 2, stderr);
    const lines = nonEmpty(stderr);
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0]!, /^lao: missing permission: (env|read|write) access/);
  });
});

Deno.test("status names failed tasks with their reason; retry-failed puts them back", async () => {
  await inTemp(async (dir) => {
    const { Store } = await import("../src/store/store.ts");
    const store = Store.open(join(dir, ".lao", "state.db"));
    const { plan } = store.registerPlan({ filename: "p.md", stem: "p", text: "# p" });
    const [a, b] = store.insertTasks(plan.id, [
      { title: "Base", description: "d", file_paths: ["a.py"], dependsOn: [] },
      { title: "Top", description: "d", file_paths: ["b.py"], dependsOn: [0] },
    ], 3);
    store.transition(a!, "start_coding");
    store.transition(a!, "coder_fail", {
      escalation_reason: "coder_exception",
      feedback: "Coder error: context overflow",
    });
    store.failBlocked();
    store.close();
    const json = JSON.parse((await laoInProcess(dir, ["status", "--json"])).stdout);
    assert.deepEqual(json.failed, [
      {
        id: a,
        title: "Base",
        plan: "p.md",
        reason: "coder_exception",
        feedback: "Coder error: context overflow",
        findings: ["Coder error: context overflow"],
        report: null,
      },
      {
        id: b,
        title: "Top",
        plan: "p.md",
        reason: "dependency_blocked",
        feedback: "Blocked by failed dependencies: Base",
        findings: ["Blocked by failed dependencies: Base"],
        report: null,
      },
    ]);
    const text = await laoInProcess(dir, ["status"]);
    assert.match(text.stdout, /#\d+ Base \[p\.md\] coder_exception: Coder error: context overflow/);
    const retry = await laoInProcess(dir, ["retry-failed"]);
    assert.equal(retry.stdout.trim(), "Reset 2 failed tasks to pending.");
    assert.deepEqual(JSON.parse((await laoInProcess(dir, ["status", "--json"])).stdout).failed, []);
  });
});

Deno.test("running in the home folder warns but carries on", async () => {
  await inTemp(async (dir) => {
    const r = await runLao(dir, ["status", "--json"], { env: { HOME: dir } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^warning: running in your home folder/m);
    JSON.parse(r.stdout);
    // Deno ran from the test's cache: nothing was downloaded into the new home.
    assert.doesNotMatch(r.stderr, /^Download /m);
    assert.notEqual(denoDir(), join(dir, ".cache", "deno"));
    await assert.rejects(() => Deno.stat(join(dir, ".cache", "deno")), Deno.errors.NotFound);
  });
});
