/**
 * Pipeline scenarios on the fake LM Studio server with zero generation time:
 * the example plan, the ten-task plan (a chain of 4, two branches, one task
 * rejected once) and a 50-task layered plan. One run of a scenario measures
 * model loads against the dependency graph's lower bound, prompt and prefill
 * tokens per task by role, calls per task, orchestration overhead per task
 * (wall time minus time inside model requests and loads) and peak RSS.
 *
 * @module
 */
import type { Config } from "../src/config/schema.ts";
import { runPipeline } from "../src/pipeline/run.ts";
import { PrefixCache } from "../tests/fake_server/prefix_cache.ts";
import type { ChatBody } from "../tests/fake_server/server.ts";
import { harness } from "../tests/pipeline/harness.ts";
import {
  EXAMPLE_TASKS,
  KEYS,
  py,
  scriptedSession,
  type ScriptedTask,
  TEN_PLAN,
  TEN_TASKS,
} from "../tests/pipeline/scripted.ts";

/** A scripted plan: its tasks and its markdown. */
export interface Scenario {
  name: string;
  tasks: ScriptedTask[];
  plan: string;
}

/** Five layers of ten tasks; each task depends on its neighbour in the layer before. */
export function layeredTasks(layers = 5, width = 10): ScriptedTask[] {
  const out: ScriptedTask[] = [];
  for (let l = 0; l < layers; l++) {
    for (let i = 0; i < width; i++) {
      const name = `l${l}_${i}`;
      out.push({
        title: `Task ${name}`,
        file: `pkg/${name}.py`,
        content: py(name),
        ...(l > 0 ? { dependencies: [`Task l${l - 1}_${i}`] } : {}),
        ...(l === 2 && i === 0 ? { rejectTimes: 1 } : {}),
      });
    }
  }
  return out;
}

function planOf(title: string, tasks: ScriptedTask[]): string {
  return `# ${title}\n\n${tasks.map((t) => `- ${t.title}: ${t.file}`).join("\n")}\n`;
}

/** The three scripted scenarios. */
export async function scenarios(): Promise<Record<"example" | "ten" | "layered50", Scenario>> {
  const example = await Deno.readTextFile(new URL("../plans/example_plan.md", import.meta.url));
  const layered = layeredTasks();
  return {
    example: { name: "example_plan.md", tasks: EXAMPLE_TASKS, plan: example },
    ten: { name: "ten.md", tasks: TEN_TASKS, plan: TEN_PLAN },
    layered50: { name: "layered.md", tasks: layered, plan: planOf("Layered", layered) },
  };
}

/** What one run of a scenario measured. */
export interface PipelineRun {
  tasks: number;
  completed: number;
  loads: number;
  lowerBound: number;
  wallMs: number;
  /** Time inside model requests, loads, unloads and the memory gate. */
  modelMs: number;
  overheadPerTaskMs: number;
  callsPerTask: number;
  promptPerTask: number;
  prefillPerTask: number;
  /**
   * Where the prefill figures come from: `server` when every call reported the
   * server's own count (llama.cpp `timings.prompt_n`), else `emulated` (the
   * one-slot prefix cache of `tests/fake_server/prefix_cache.ts`).
   */
  prefillSource: "server" | "emulated";
  completionTokens: number;
  byRole: Record<string, { prompt: number; prefill: number; calls: number }>;
  peakRssMb: number;
}

const ROLE_OF: Record<string, string> = {
  [KEYS.planner]: "planner",
  [KEYS.coder]: "coder",
  [KEYS.reviewer]: "reviewer",
};

/** Runs `scenario` once; `tune` adjusts the harness config (cooldown 0 unless it says otherwise). */
export async function runScenario(
  scenario: Scenario,
  tune: (c: Config) => void = () => {},
): Promise<PipelineRun> {
  await using h = await harness(scriptedSession(scenario.tasks), tune);
  await h.addPlan(scenario.name, scenario.plan);
  let modelS = 0;
  let peak = Deno.memoryUsage().rss;
  h.deps.bus.subscribe((e) => {
    if (
      e.type === "llm.call" || e.type === "model.load" || e.type === "model.unload" ||
      e.type === "memory.gate"
    ) modelS += e.seconds;
    if (e.type === "task.transition") peak = Math.max(peak, Deno.memoryUsage().rss);
  });
  const t0 = performance.now();
  const result = await runPipeline(h.deps, { singleRun: true });
  const wallMs = performance.now() - t0;
  const tasks = h.store.listTasks();
  const n = Math.max(1, tasks.length);
  const cache = new PrefixCache();
  const byRole: PipelineRun["byRole"] = {};
  for (const r of h.server.requests) {
    if (r.path !== "/v1/chat/completions" || !r.body) continue;
    const body = r.body as ChatBody;
    const role = ROLE_OF[String(body.model)] ?? "other";
    const use = cache.observe(body);
    const acc = byRole[role] ??= { prompt: 0, prefill: 0, calls: 0 };
    acc.prefill += use.prefill;
  }
  let prompt = 0;
  let calls = 0;
  let completion = 0;
  for (const [role, t] of Object.entries(h.store.tokensByRole())) {
    const acc = byRole[role] ??= { prompt: 0, prefill: 0, calls: 0 };
    acc.prompt = t.prompt;
    acc.calls = t.calls;
    prompt += t.prompt;
    calls += t.calls;
    completion += t.completion;
  }
  // The server's own counts win when every call of a role carried one.
  let fromServer = true;
  for (const [role, reported] of Object.entries(h.store.prefillByRole())) {
    const acc = byRole[role];
    if (acc && reported.reported === acc.calls && acc.calls > 0) acc.prefill = reported.prefill;
    else fromServer = false;
  }
  const prefill = Object.values(byRole).reduce((a, r) => a + r.prefill, 0);
  const loads = Object.values(result.loadsPerPlan)[0] ?? { loads: 0, lowerBound: 0 };
  const modelMs = modelS * 1000;
  return {
    tasks: tasks.length,
    completed: tasks.filter((t) => t.status === "completed").length,
    loads: loads.loads,
    lowerBound: loads.lowerBound,
    wallMs,
    modelMs,
    overheadPerTaskMs: Math.max(0, wallMs - modelMs) / n,
    callsPerTask: calls / n,
    promptPerTask: prompt / n,
    prefillPerTask: prefill / n,
    prefillSource: fromServer ? "server" : "emulated",
    completionTokens: completion,
    byRole,
    peakRssMb: peak / 1024 / 1024,
  };
}

/**
 * Wall time of a run if the model generated at `tokensPerS` and each load
 * took `loadS` seconds, and the share of it that is LAO's own overhead.
 */
export function simulatedShare(
  run: PipelineRun,
  tokensPerS = 30,
  loadS = 10,
): { simulatedModelS: number; nonModelShare: number } {
  const simulatedModelS = run.completionTokens / tokensPerS + run.loads * loadS;
  const overheadS = (run.overheadPerTaskMs * run.tasks) / 1000;
  return { simulatedModelS, nonModelShare: overheadS / (overheadS + simulatedModelS) };
}

if (import.meta.main) {
  const s = await scenarios();
  console.log(JSON.stringify(await runScenario(s.ten), null, 2));
}
