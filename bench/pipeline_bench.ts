/**
 * Pipeline benchmark: the 10-task plan (a chain of 4, two branches, one task
 * rejected once) on the fake LM Studio server with zero generation time.
 *
 * Reports, as ratios against a baseline measured in the same process:
 * - orchestration overhead per task: the pipeline's wall time against the
 *   same number of bare chat requests sent straight to the server;
 * - prompt tokens per task by role;
 * - model loads for the plan next to the lower bound its dependency graph allows.
 *
 * @module
 */
import { join } from "node:path";
import { defaultConfig } from "../src/config/defaults.ts";
import { EventBus } from "../src/events/bus.ts";
import { createOpenAiClient } from "../src/llm/openai_client.ts";
import { buildPipelineDeps } from "../src/pipeline/build_deps.ts";
import { runPipeline } from "../src/pipeline/run.ts";
import { Store } from "../src/store/store.ts";
import { createTestingFs } from "../src/tools/testing_fs.ts";
import { start } from "../tests/fake_server/server.ts";
import { KEYS, scriptedSession, type ScriptedTask } from "../tests/pipeline/scripted.ts";

const py = (name: string) => `def ${name}():\n    return "${name}"\n`;
const TASKS: ScriptedTask[] = [
  { title: "Task a", file: "pkg/a.py", content: py("a") },
  { title: "Task b", file: "pkg/b.py", content: py("b"), dependencies: ["Task a"] },
  { title: "Task c", file: "pkg/c.py", content: py("c"), dependencies: ["Task b"] },
  { title: "Task d", file: "pkg/d.py", content: py("d"), dependencies: ["Task c"] },
  { title: "Task e", file: "pkg/e.py", content: py("e") },
  { title: "Task f", file: "pkg/f.py", content: py("f"), dependencies: ["Task e"] },
  { title: "Task g", file: "pkg/g.py", content: py("g") },
  { title: "Task h", file: "pkg/h.py", content: py("h"), dependencies: ["Task g"] },
  { title: "Task i", file: "pkg/i.py", content: py("i"), dependencies: ["Task h"] },
  { title: "Task j", file: "pkg/j.py", content: py("j"), rejectTimes: 1 },
];

/** One pipeline run; returns its measurements. */
export async function benchPipeline() {
  const dir = await Deno.makeTempDir({ prefix: "lao_bench_" });
  await using server = await start({ respond: scriptedSession(TASKS) });
  const config = defaultConfig(dir);
  config.lm_studio_base_url = server.url;
  config.server.kind = "lmstudio";
  config.orchestration.retry_cooldown_base_s = 0;
  await Deno.mkdir(join(dir, "plans"), { recursive: true });
  await Deno.writeTextFile(
    join(dir, "plans", "ten.md"),
    "# Ten tasks\n\n" + TASKS.map((t) => `- ${t.title}: ${t.file}`).join("\n") + "\n",
  );
  const store = Store.open(join(dir, ".lao", "state.db"));
  try {
    const deps = await buildPipelineDeps({
      config,
      configDir: dir,
      store,
      bus: new EventBus(),
      signal: new AbortController().signal,
      stopping: () => false,
      version: "bench",
      workspaceFs: async (ws) => {
        await Deno.mkdir(ws, { recursive: true });
        return createTestingFs(await Deno.realPath(ws));
      },
    });
    const t0 = performance.now();
    const result = await runPipeline(deps, { singleRun: true });
    const pipelineMs = performance.now() - t0;
    const chats = server.requests.filter((r) => r.path === "/v1/chat/completions").length;

    // Baseline: the same number of bare chat requests, straight to the server.
    const client = createOpenAiClient({ baseUrl: server.url, apiKey: "x", timeoutMs: 30_000 });
    const t1 = performance.now();
    for (let i = 0; i < chats; i++) {
      await client.chat({
        role: "reviewer",
        model: KEYS.reviewer,
        messages: [{ role: "user", content: "## Task Specification: Task a\n\nbench" }],
      });
    }
    const baselineMs = performance.now() - t1;
    const tasks = store.listTasks();
    const tokens = store.tokensByRole();
    return { result, pipelineMs, baselineMs, chats, tasks: tasks.length, tokens };
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Prints the pipeline benchmark. */
export async function printPipelineBench() {
  const b = await benchPipeline();
  const perTask = (b.pipelineMs - b.baselineMs) / b.tasks;
  const perRequest = b.baselineMs / b.chats;
  console.log("pipeline: 10-task plan, fake server, zero generation time");
  console.log(`  model requests: ${b.chats} chat completions`);
  console.log(
    `  pipeline wall time / bare requests: ${(b.pipelineMs / b.baselineMs).toFixed(2)}x`,
  );
  console.log(
    `  orchestration overhead per task: ${(perTask / perRequest).toFixed(2)}x one bare request`,
  );
  console.log("  prompt tokens per task by role:");
  for (const [role, t] of Object.entries(b.tokens)) {
    console.log(`    ${role.padEnd(9)} ${(t.prompt / b.tasks).toFixed(0)} (${t.calls} calls)`);
  }
  for (const [plan, l] of Object.entries(b.result.loadsPerPlan)) {
    console.log(
      `  model loads for ${plan}: ${l.loads} (lower bound ${l.lowerBound}, ratio ${
        (l.loads / l.lowerBound).toFixed(2)
      })`,
    );
  }
}

if (import.meta.main) await printPipelineBench();
