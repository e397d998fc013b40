/**
 * The bench suite: baselines, then every scenario, as one
 * {@linkcode BenchResults} document. `full` runs everything; `ci` only the
 * ten-task plan (its tokens, loads and overhead), cheap enough for every
 * test run.
 *
 * @module
 */
import { measureBaselines } from "./baselines.ts";
import { benchChunkingRuns } from "./chunking_bench.ts";
import { benchParsers } from "./parser_bench.ts";
import {
  type PipelineRun,
  runScenario,
  type Scenario,
  scenarios,
  simulatedShare,
} from "./pipeline_bench.ts";
import { benchQueue } from "./queue_bench.ts";
import { type BenchResults, type Figure, figure } from "./results.ts";
import { type Stat, stat } from "./stats.ts";
import { benchStartup, type StartupFigure } from "./startup_bench.ts";
import { defaultConfig } from "../src/config/defaults.ts";

/** The original v3.0.4's prompt tokens per task on the ten-task plan (issue 12). */
export const ORIGINAL_PROMPT_PER_TASK = 2809;
/** Acceptance: at most 0.7× the original. */
export const PROMPT_PER_TASK_LIMIT = Math.floor(ORIGINAL_PROMPT_PER_TASK * 0.7);

/** Options of {@linkcode runSuite}. */
export interface SuiteOptions {
  mode: "full" | "ci";
  runs: number;
  /** Progress lines (to stderr). */
  progress?: (line: string) => void;
}

async function repeatScenario(
  s: Scenario,
  runs: number,
  tune?: Parameters<typeof runScenario>[1],
): Promise<PipelineRun[]> {
  const out: PipelineRun[] = [];
  for (let i = 0; i < runs; i++) out.push(await runScenario(s, tune));
  return out;
}

function over(runs: PipelineRun[], pick: (r: PipelineRun) => number): Stat {
  return stat(runs.map(pick));
}

function machine(): BenchResults["machine"] {
  let cpus = 0;
  try {
    cpus = navigator.hardwareConcurrency;
  } catch { /* unknown */ }
  return {
    os: Deno.build.os,
    arch: Deno.build.arch,
    cpus,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
  };
}

/** Runs the suite; returns the results document. */
export async function runSuite(opts: SuiteOptions): Promise<BenchResults> {
  const { runs } = opts;
  const say = opts.progress ?? (() => {});
  say("baselines");
  // The ci figures are counts (loads, tokens), not divided by a baseline: no repeats for them.
  const baselines = await measureBaselines(opts.mode === "ci" ? runs : Math.max(runs, 5));
  const figures: BenchResults["figures"] = {};
  const fig = (
    id: string,
    ...a: Parameters<typeof figure> extends [unknown, ...infer R] ? R : never
  ) => {
    figures[id] = figure(baselines, ...a);
  };
  const all = await scenarios();
  const names = opts.mode === "ci"
    ? (["ten"] as const)
    : (["example", "ten", "layered50"] as const);
  const tenRuns: PipelineRun[] = [];
  for (const name of names) {
    say(`pipeline: ${name}`);
    const r = await repeatScenario(all[name], runs);
    if (name === "ten") tenRuns.push(...r);
    const p = name;
    const target = name === "ten";
    fig(
      `${p}.prompt_tokens_per_task`,
      "prompt tokens per task",
      "tokens",
      "count",
      over(r, (x) => x.promptPerTask),
      target ? { limit: { max: PROMPT_PER_TASK_LIMIT, on: "value" } } : {},
    );
    fig(
      `${p}.prefill_tokens_per_task`,
      "prefill tokens per task (not in the one-slot prefix cache)",
      "tokens",
      "count",
      over(r, (x) => x.prefillPerTask),
    );
    for (const role of ["planner", "coder", "reviewer"]) {
      if (!r[0]!.byRole[role]) continue;
      fig(
        `${p}.${role}.prompt_per_task`,
        `${role} prompt tokens per task`,
        "tokens",
        "count",
        over(r, (x) => (x.byRole[role]?.prompt ?? 0) / x.tasks),
      );
      fig(
        `${p}.${role}.prefill_per_task`,
        `${role} prefill tokens per task`,
        "tokens",
        "count",
        over(r, (x) => (x.byRole[role]?.prefill ?? 0) / x.tasks),
      );
    }
    fig(
      `${p}.calls_per_task`,
      "model calls per task",
      "calls",
      "count",
      over(r, (x) => x.callsPerTask),
    );
    fig(`${p}.loads`, "model loads", "loads", "count", over(r, (x) => x.loads));
    fig(
      `${p}.loads_over_lower_bound`,
      "model loads / the dependency graph's lower bound",
      "x",
      "count",
      over(r, (x) => x.loads / Math.max(1, x.lowerBound)),
      { limit: { max: 1, on: "value" } },
    );
    fig(
      `${p}.overhead_per_task_ms`,
      "orchestration overhead per task (wall minus model time)",
      "ms",
      "time",
      over(r, (x) => x.overheadPerTaskMs),
      // The 20 ms target is the protocol, git off: `ten.overhead_no_git_per_task_ms`.
      { baseline: "bare_request_ms" },
    );
    fig(
      `${p}.peak_rss_mb`,
      "peak resident memory of the bench process",
      "MB",
      "time",
      over(r, (x) => x.peakRssMb),
    );
    fig(
      `${p}.sim_non_model_share`,
      "non-model share of wall time at 30 tokens/s and 10 s loads",
      "share",
      "time",
      over(r, (x) => simulatedShare(x).nonModelShare),
      target ? { limit: { max: 0.01, on: "value" } } : {},
    );
  }
  if (opts.mode === "full") await gitOff();
  async function gitOff(): Promise<void> {
    say("pipeline: ten, git off");
    // The protocol for overhead: cooldown 0 and no git; git's own share is the difference.
    const noGit = await repeatScenario(all.ten, runs, (c) => {
      c.git.enabled = false;
    });
    fig(
      "ten.overhead_no_git_per_task_ms",
      "orchestration overhead per task with git off (wall minus model time)",
      "ms",
      "time",
      over(noGit, (x) => x.overheadPerTaskMs),
      { baseline: "bare_request_ms", limit: { max: 20, on: "value" } },
    );
    fig(
      "ten.git_ms_per_task",
      "git's share of the overhead per task (overhead with git minus without)",
      "ms",
      "time",
      stat(tenRuns.map((r, i) => Math.max(0, r.overheadPerTaskMs - noGit[i]!.overheadPerTaskMs))),
      { baseline: "bare_request_ms" },
    );
    fig(
      "ten.sim_non_model_share_no_git",
      "non-model share at 30 tokens/s and 10 s loads, git off",
      "share",
      "time",
      over(noGit, (x) => simulatedShare(x).nonModelShare),
      { limit: { max: 0.01, on: "value" } },
    );
  }
  if (opts.mode === "full") {
    say("pipeline: ten, default cooldown vs cooldown 0, interleaved");
    const defaults = defaultConfig("/tmp").orchestration.retry_cooldown_base_s;
    const ratios: number[] = [];
    // Pairs run back to back, in alternating order and an even number of them, so load drift
    // and the first-of-a-pair penalty hit both sides alike.
    for (let i = 0; i < runs + (runs % 2); i++) {
      const pair = async (cooldown: number) =>
        (await runScenario(all.ten, (c) => {
          c.orchestration.retry_cooldown_base_s = cooldown;
        })).wallMs;
      const first = await pair(i % 2 === 0 ? defaults : 0);
      const second = await pair(i % 2 === 0 ? 0 : defaults);
      ratios.push(i % 2 === 0 ? first / second : second / first);
    }
    fig(
      "ten.default_config_wall_over_cooldown0",
      "wall time with the default cooldown / with cooldown 0 (interleaved pairs)",
      "x",
      "time",
      stat(ratios),
      {
        limit: { max: 1.2, on: "value" },
      },
    );
  }
  if (opts.mode === "full") {
    say("start-up");
    const s = await benchStartup(runs);
    // Start-up ratios are to the bare start of the same round (startup_bench.ts), not to the
    // baseline measured at the beginning of the bench.
    const started = (
      id: string,
      label: string,
      f: StartupFigure,
      limit?: Figure["limit"],
    ) => {
      figures[id] = {
        ...figure(baselines, label, "ms", "time", f.ms, limit ? { limit } : {}),
        baseline: "deno_start_ms",
        ratio: f.overBare,
      };
    };
    started("startup.version_ms", "lao --version", s.version);
    started("startup.status_empty_ms", "lao status, fresh project", s.statusEmpty, {
      max: 4,
      on: "ratio",
    });
    started("startup.status_10k_ms", "lao status, 10,000 tasks", s.status10k);
    started(
      "startup.status_json_10k_ms",
      "lao status --json, 10,000 tasks (whole process)",
      s.statusJson10k,
      { max: 300, on: "value" },
    );
    started("startup.health_ms", "lao health against the fake server", s.health);
    say("queue: 100,000 tasks over 200 plans");
    const q = await benchQueue(runs);
    const req = { baseline: "bare_request_ms" as const };
    fig("queue.claim_next_ms", "claim the next task at 100,000 tasks", "ms", "time", q.claim, {
      ...req,
      limit: { max: 1, on: "value" },
    });
    fig(
      "queue.transition_ms",
      "one guarded transition with its event row",
      "ms",
      "time",
      q.transition,
      req,
    );
    fig(
      "queue.status_queries_ms",
      "status --json's queries at 100,000 tasks (in process)",
      "ms",
      "time",
      q.status,
      req,
    );
    say("parsers");
    const p = await benchParsers(runs);
    fig(
      "parser.corpus_ms_per_mb",
      `parsing the ${p.cases}-reply corpus`,
      "ms/MB",
      "time",
      p.msPerMb,
      { baseline: "token_count_ms" },
    );
    say("chunking: 2 MB plan");
    const c = await benchChunkingRuns(runs);
    const tok = { baseline: "token_count_ms" as const };
    fig("tokens.count_2mb_ms", "one token count of a 2 MB plan", "ms", "time", c.countMs, tok);
    fig(
      "tokens.chunk_2mb_ms",
      `chunking a 2 MB plan (${c.chunks} chunks)`,
      "ms",
      "time",
      c.chunkMs,
      tok,
    );
    fig(
      "tokens.chunk_over_count_2mb",
      "chunk time / one count of the same plan",
      "x",
      "time",
      c.chunkOverCount,
    );
  }
  return {
    schema: 1,
    date: new Date().toISOString(),
    mode: opts.mode,
    runs,
    machine: machine(),
    baselines,
    figures,
  };
}
