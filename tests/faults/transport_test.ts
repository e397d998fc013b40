/**
 * Transport faults on the coder's and the reviewer's calls never burn a task
 * attempt: each fault is injected on a few requests of one role's model
 * (more than the client's retries, so the run pauses once as for an
 * outage), then cleared, and the plan completes with every attempt intact.
 *
 * Through the pipeline harness for the whole matrix, and once through the CLI's
 * `lao run --single-run` in this process for the exit code, the summary and
 * stderr (with the console watched for stray writes).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Config } from "../../src/config/schema.ts";
import { UserError } from "../../src/errors.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { Store } from "../../src/store/store.ts";
import { type Fault, type FaultKind, start } from "../fake_server/server.ts";
import { exampleProject } from "../lao_process.ts";
import { laoInProcess } from "../lao_in_process.ts";
import { type Harness, harness } from "../pipeline/harness.ts";
import { EXAMPLE_TASKS, KEYS, scriptedSession, type ScriptedTask } from "../pipeline/scripted.ts";

/** Every transport fault, with the options that make it one. */
const FAULTS: { kind: FaultKind; extra?: Partial<Fault> }[] = [
  { kind: "stream_cut", extra: { afterChunks: 2 } },
  { kind: "garbage_sse", extra: { afterChunks: 2 } },
  { kind: "malformed_json", extra: { afterChunks: 2 } },
  { kind: "reset", extra: { afterChunks: 2 } },
  { kind: "html_200" },
  { kind: "oversize", extra: { sizeBytes: 200 * 1024 * 1024 } },
  { kind: "endless" },
  { kind: "kv_500" },
  { kind: "http_500" },
];

/** JavaScript, checked in-process: Python is not what a transport fault reaches. */
const TASKS: ScriptedTask[] = [
  { title: "Sturdy", file: "sturdy.js", content: 'export const sturdy = "sturdy";\n' },
];

/** Requests the fault hits: more than `llm_retry_attempts` (3), so the run pauses once. */
const TIMES = 4;

/**
 * Small reply caps: they derive from the role's `max_completion`, so a 64-token
 * budget makes an oversize or endless reply meet its cap after ~1 MB or 384
 * events instead of the defaults' ~5 MB and 8,448 (the scripted answers are
 * short). No git: commits are not what a transport fault reaches, and they
 * were ~40% of each case's CPU.
 */
function smallCaps(c: Config): void {
  c.models.coder.max_completion = 64;
  c.models.reviewer.max_completion = 64;
  c.git.enabled = false;
}

/** The harness for {@linkcode TASKS} with {@linkcode smallCaps}: no Python to check. */
const jsHarness = (): Promise<Harness> => harness(scriptedSession(TASKS), smallCaps);

for (const role of ["coder", "reviewer"] as const) {
  Deno.test(`http_401 on the ${role}'s calls stops the run with the API-key fix and burns no attempt`, async () => {
    await using h = await jsHarness();
    h.server.setFaults({ kind: "http_401", model: KEYS[role], sticky: true });
    let pauses = 0;
    h.deps.sleep = () => {
      pauses++;
      return Promise.resolve();
    };
    await h.addPlan("sturdy.md", "# Sturdy\n- sturdy.js\n");
    await assert.rejects(
      runPipeline(h.deps, { singleRun: true }),
      (err) => err instanceof UserError && /API key/.test(err.message),
    );
    const task = h.store.listTasks()[0]!;
    assert.equal(task.attempt, 0, `a refused key on the ${role} burned an attempt`);
    assert.equal(task.status, role === "coder" ? "pending" : "coded");
    assert.equal(pauses, 0, "a refused key is not an outage to wait out");
  });

  for (const { kind, extra } of FAULTS) {
    Deno.test(`${kind} on the ${role}'s calls pauses the run and burns no attempt`, async () => {
      await using h = await jsHarness();
      const model = KEYS[role];
      h.server.setFaults({ kind, model, times: TIMES, ...extra });
      let pauses = 0;
      h.deps.sleep = () => {
        pauses++;
        return Promise.resolve();
      };
      await h.addPlan("sturdy.md", "# Sturdy\n- sturdy.js\n");
      const result = await runPipeline(h.deps, { singleRun: true });
      const task = h.store.listTasks()[0]!;
      assert.equal(task.status, "completed", `${kind}: ${task.feedback}`);
      assert.equal(task.attempt, 0, `${kind} on the ${role} burned an attempt`);
      assert.equal(result.infraError, undefined);
      assert.ok(pauses >= 1, "the run paused as for an outage");
      const hits = h.server.requests.filter((r) =>
        r.path === "/v1/chat/completions" && (r.body as { model?: string }).model === model
      );
      assert.ok(hits.length > TIMES, `${hits.length} ${role} requests`);
    });
  }
}

Deno.test("a fault that never clears ends a single run with the server error, attempts intact", async () => {
  await using h = await jsHarness();
  h.server.setFaults({ kind: "garbage_sse", model: KEYS.coder, sticky: true });
  h.deps.sleep = () => Promise.resolve();
  await h.addPlan("sturdy.md", "# Sturdy\n- sturdy.js\n");
  const result = await runPipeline(h.deps, { singleRun: true, maxInfraPauses: 2 });
  assert.match(result.infraError ?? "", /garbled chunk|not an SSE stream/);
  const task = h.store.listTasks()[0]!;
  assert.deepEqual([task.status, task.attempt], ["pending", 0]);
});

Deno.test("llama.cpp's argument-parse 500 is left to the task's logic: no pause, no loop", async () => {
  await using h = await jsHarness();
  h.server.setFaults({ kind: "arg_parse_500", model: KEYS.coder });
  let pauses = 0;
  h.deps.sleep = () => {
    pauses++;
    return Promise.resolve();
  };
  await h.addPlan("sturdy.md", "# Sturdy\n- sturdy.js\n");
  await runPipeline(h.deps, { singleRun: true });
  const task = h.store.listTasks()[0]!;
  assert.equal(task.status, "completed");
  assert.equal(pauses, 0, "not treated as an outage");
  const coderCalls = h.server.requests.filter((r) =>
    r.path === "/v1/chat/completions" && (r.body as { model?: string }).model === KEYS.coder
  );
  assert.ok(
    coderCalls.length <= 4,
    `${coderCalls.length} coder calls: the 500 was not retried as-is`,
  );
});

/** Runs `fn` with the console's writes kept instead of printed. */
async function withConsoleKept<T>(fn: () => Promise<T>): Promise<{ value: T; printed: string }> {
  const printed: string[] = [];
  const keep = (...args: unknown[]) => void printed.push(args.map(String).join(" "));
  const saved = { log: console.log, error: console.error, warn: console.warn, info: console.info };
  Object.assign(console, { log: keep, error: keep, warn: keep, info: keep });
  try {
    return { value: await fn(), printed: printed.join("\n") };
  } finally {
    Object.assign(console, saved);
  }
}

Deno.test("lao run --single-run rides out garbage SSE on the coder: exit 0, no stack, no attempt used", async () => {
  await using server = await start({ respond: scriptedSession(EXAMPLE_TASKS) });
  server.setFaults({
    kind: "garbage_sse",
    model: KEYS.coder,
    afterChunks: 2,
    times: TIMES,
  }, { kind: "html_200", model: KEYS.reviewer, times: TIMES });
  const dir = await exampleProject(
    server.url,
    "orchestration:\n  retry_cooldown_base_s: 0\n  llm_retry_backoff_base_s: 0.01\n" +
      "  outage_pause_base_s: 0.01\n",
  );
  try {
    const { value: r, printed } = await withConsoleKept(() =>
      laoInProcess(dir, ["run", "--single-run", "--plain"])
    );
    // Exit 0: the plan completed once the faults were gone.
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /tasks: 2 completed/);
    assert.doesNotMatch(r.stderr + r.stdout, /^\s+at .+:\d+:\d+\)?$/m, "no stack trace");
    assert.equal(printed, "", "nothing printed past LAO's output");
    assert.match(r.stdout + r.stderr, /no task attempts used/);
    const store = Store.open(join(dir, ".lao", "state.db"));
    try {
      assert.deepEqual(store.listTasks().map((t) => [t.status, t.attempt]), [
        ["completed", 0],
        ["completed", 0],
      ]);
    } finally {
      store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
