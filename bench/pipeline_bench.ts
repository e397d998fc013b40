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
import { createOpenAiClient } from "../src/llm/openai_client.ts";
import { runPipeline } from "../src/pipeline/run.ts";
import { harness } from "../tests/pipeline/harness.ts";
import { KEYS, scriptedSession, TEN_PLAN, TEN_TASKS } from "../tests/pipeline/scripted.ts";

/** One pipeline run; returns its measurements. */
export async function benchPipeline() {
  await using h = await harness(scriptedSession(TEN_TASKS));
  await h.addPlan("ten.md", TEN_PLAN);
  // Where the time goes: each gap between events is charged to the event that ends it.
  const shares = { git: 0, validators: 0, models: 0, other: 0 };
  let last = performance.now();
  h.deps.bus.subscribe((e) => {
    const now = performance.now();
    const gap = now - last;
    last = now;
    if (e.type === "git.commit") shares.git += gap;
    else if (e.type === "log" && e.message.startsWith("Validated ")) shares.validators += gap;
    else if (e.type === "llm.call" || e.type.startsWith("model.") || e.type === "memory.gate") {
      shares.models += gap;
    } else shares.other += gap;
  });
  const t0 = performance.now();
  const result = await runPipeline(h.deps, { singleRun: true });
  const pipelineMs = performance.now() - t0;
  const chats = h.server.requests.filter((r) => r.path === "/v1/chat/completions").length;

  // Baseline: the same number of bare chat requests, straight to the server.
  const client = createOpenAiClient({ baseUrl: h.server.url, apiKey: "x", timeoutMs: 30_000 });
  const t1 = performance.now();
  for (let i = 0; i < chats; i++) {
    await client.chat({
      role: "reviewer",
      model: KEYS.reviewer,
      messages: [{ role: "user", content: "## Task Specification: Task a\n\nbench" }],
    });
  }
  const baselineMs = performance.now() - t1;
  return {
    result,
    shares,
    pipelineMs,
    baselineMs,
    chats,
    tasks: h.store.listTasks().length,
    tokens: h.store.tokensByRole(),
  };
}

function pct(part: number, total: number): string {
  return `${((100 * part) / Math.max(1, total)).toFixed(0)}%`;
}

/** Prints the pipeline benchmark. */
export async function printPipelineBench() {
  const b = await benchPipeline();
  const perTask = (b.pipelineMs - b.baselineMs) / b.tasks;
  const perRequest = b.baselineMs / b.chats;
  console.log("pipeline: 10-task plan, fake server, zero generation time");
  console.log(`  model requests: ${b.chats} chat completions`);
  console.log(`  pipeline wall time / bare requests: ${(b.pipelineMs / b.baselineMs).toFixed(2)}x`);
  console.log(
    `  orchestration overhead per task: ${(perTask / perRequest).toFixed(2)}x one bare request`,
  );
  const total = Object.values(b.shares).reduce((a, x) => a + x, 0);
  console.log(
    `  share of wall time: git ${pct(b.shares.git, total)}, validators ${
      pct(b.shares.validators, total)
    }, model server ${pct(b.shares.models, total)}, the rest ${pct(b.shares.other, total)}`,
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
