/**
 * Slots bench (issue 16): the 50-task layered plan against fakes that
 * generate at `TPS` tokens/s per request with the batching curve of
 * `tests/fake_server/slots.ts`, run three times in one invocation:
 * sequential (one server, one slot: today's scheduler), one server of 4
 * slots, two servers of 4 slots. Wall time is real (the fakes sleep on real
 * timers; no virtual clock), so the figures include LAO's own overhead (git,
 * SQLite, validators); they are reported as ratios against the sequential
 * run. Next to each ratio: the batching curve's floor (the plan's requests
 * with the planner's alone and every other one at the full curve of the
 * run's slots), and the seconds in which no request generated on any fake
 * (LAO's own serial share: git, SQLite, scheduling, validators). Checked, and
 * the exit code is 1 when one fails: identical final files and the same coder
 * commits (modulo order) as the sequential run, and model loads per server
 * at most the plan's bound.
 *
 * Run: `deno run -A bench/parallel_bench.ts [completion_tokens] [layers] [width]`
 * (default 60 tokens, 2 s per request alone, and 5 layers of 10 tasks: the
 * 50-task layered plan; fewer layers keep the layered shape with a shorter
 * run).
 *
 * @module
 */
import { join } from "node:path";
import type { Config } from "../src/config/schema.ts";
import { emptyHooksDir } from "../src/git/mod.ts";
import { openRepo, pinnedGit } from "../src/git/pinned.ts";
import { GitRunner } from "../src/git/runner.ts";
import { runPipeline } from "../src/pipeline/run.ts";
import { buildLanes } from "../src/pipeline/server_lanes.ts";
import { type FakeServer, start } from "../tests/fake_server/server.ts";
import { aggregateSpeedup, coveredMs } from "../tests/fake_server/slots.ts";
import { harness } from "../tests/pipeline/harness.ts";
import { KEYS, scriptedSession } from "../tests/pipeline/scripted.ts";
import { layeredTasks } from "./pipeline_bench.ts";

/** Tokens per second of one request alone. */
const TPS = 30;
const TOKENS = Number(Deno.args[0] ?? 60);
const LAYERS = Number(Deno.args[1] ?? 5);
const WIDTH = Number(Deno.args[2] ?? 10);
/** Seconds one request takes alone. */
const ALONE = TOKENS / TPS;

/** The layered plan of `LAYERS` × `WIDTH` tasks. */
function layered() {
  const tasks = layeredTasks(LAYERS, WIDTH);
  const plan = `# Layered\n\n${tasks.map((t) => `- ${t.title}: ${t.file}`).join("\n")}\n`;
  return { name: "layered.md", tasks, plan };
}

/** What one configuration measured. */
interface Measured {
  label: string;
  servers: number;
  slots: number;
  wallSeconds: number;
  files: string[];
  commits: string[];
  /** The plan's model loads and their lower bound (loads summed over servers). */
  loads: { loads: number; lowerBound: number };
  /** Model loads each fake server saw, in server order. */
  serverLoads: number[];
  /** Chat requests on all fakes, and those of the planner. */
  requests: { all: number; planner: number };
  /** Seconds in which at least one request generated on some fake. */
  busySeconds: number;
  /** Busy slot-seconds over available ones, per server (runs with lanes). */
  utilisation: number[];
}

/** Chat requests the fakes answered, all and the planner's. */
function chatRequests(fakes: FakeServer[]): Measured["requests"] {
  const chats = fakes.flatMap((f) =>
    f.requests.filter((r) => r.method === "POST" && r.path === "/v1/chat/completions")
  );
  const planner = chats.filter((r) =>
    (r.body as { model?: unknown } | undefined)?.model === KEYS.planner
  );
  return { all: chats.length, planner: planner.length };
}

/** Seconds in which some request generated on one of `fakes`. */
function busySeconds(fakes: FakeServer[]): number {
  return coveredMs(fakes.flatMap((f) => [...f.gates.values()].flatMap((g) => g.spans))) / 1000;
}

/** The coder commits of the plan's history, sorted. */
async function coderCommits(dir: string, workspace: string): Promise<string[]> {
  const runner = new GitRunner({ hooksDir: emptyHooksDir(dir) });
  const repo = await openRepo(workspace, runner);
  if (!repo.ok || !repo.layout) throw new Error(`${workspace}: no repository`);
  const log = await pinnedGit(runner, repo.layout, ["log", "--format=%s"]);
  return log.stdout.split("\n").filter((l) => l.startsWith("lao(coder):")).sort();
}

async function measure(label: string, servers: number, slots: number): Promise<Measured> {
  const s = layered();
  const session = scriptedSession(s.tasks);
  const generation = { slots, tokensPerSecond: TPS, completionTokens: TOKENS };
  await using h = await harness(session, () => {}, { server: { generation } });
  const extra = await Promise.all(
    Array.from({ length: servers - 1 }, () => start({ respond: session, generation })),
  );
  try {
    const fakes = [h.server, ...extra];
    const list: Config["servers"] = fakes.map((f, i) => ({
      name: `s${i + 1}`,
      base_url: f.url,
      kind: "lmstudio",
      api_key: null,
      slots,
      roles: null,
    }));
    const lanes = await buildLanes(h.deps, { ...h.config, servers: list });
    await h.addPlan(s.name, s.plan);
    const t0 = performance.now();
    const result = await runPipeline({ ...h.deps, ...(lanes ? { lanes } : {}) }, {
      singleRun: true,
    });
    const wallSeconds = (performance.now() - t0) / 1000;
    const plan = result.plans[0]!;
    if (plan.status !== "completed") throw new Error(`${label}: plan ${plan.status}`);
    const files = await Promise.all(
      s.tasks.map((t) => Deno.readTextFile(join(plan.workspace!, t.file))),
    );
    const usage = Object.values(result.slotUsage?.servers ?? {});
    return {
      label,
      servers,
      slots,
      wallSeconds,
      files,
      commits: await coderCommits(h.dir, plan.workspace!),
      loads: Object.values(result.loadsPerPlan)[0]!,
      serverLoads: fakes.map((f) => f.state.loads),
      requests: chatRequests(fakes),
      busySeconds: busySeconds(fakes),
      utilisation: usage.map((u) => u.busySeconds / u.availableSeconds),
    };
  } finally {
    for (const e of extra) await e.close();
  }
}

/**
 * Seconds the batching curve alone allows for `r`'s requests: the planner's
 * one after another, every other request at the full curve of all slots.
 */
export function curveFloorSeconds(
  requests: Measured["requests"],
  servers: number,
  slots: number,
): number {
  const rest = requests.all - requests.planner;
  return ALONE * (requests.planner + rest / (servers * aggregateSpeedup(slots)));
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** One table row for `r` against the sequential run `base`; `ok` false when a check failed. */
function row(r: Measured, base: Measured): { line: string; ok: boolean } {
  const floor = curveFloorSeconds(r.requests, r.servers, r.slots) /
    curveFloorSeconds(base.requests, 1, 1);
  const files = same(r.files, base.files);
  const commits = same(r.commits, base.commits);
  const bound = r.serverLoads.every((l) => l <= r.loads.lowerBound);
  const pct = (x: number) => `${Math.round(100 * x)}%`;
  const cells = [
    r.label,
    `${r.wallSeconds.toFixed(1)}s`,
    `${(r.wallSeconds / base.wallSeconds).toFixed(3)}×`,
    `${floor.toFixed(3)}×`,
    `${(r.wallSeconds - r.busySeconds).toFixed(1)}s`,
    `${r.serverLoads.join(" / ")} (bound ${r.loads.lowerBound})${bound ? "" : " OVER"}`,
    r.utilisation.length ? r.utilisation.map(pct).join(" / ") : "-",
    `${files ? "identical" : "DIFFER"} / ${commits ? "the same" : "DIFFER"} (${r.commits.length})`,
  ];
  return { line: `| ${cells.join(" | ")} |`, ok: files && commits && bound };
}

if (import.meta.main) {
  const runs = [
    await measure("1 server, 1 slot", 1, 1),
    await measure("1 server, 4 slots", 1, 4),
    await measure("2 servers, 4 slots", 2, 4),
  ];
  const base = runs[0]!;
  console.log(
    `layered ${LAYERS}x${WIDTH}, fake at ${TPS} tok/s per request alone, ${TOKENS} tokens ` +
      `per answer (${ALONE.toFixed(1)} s alone), ${base.requests.all} chat requests`,
  );
  console.log(
    "| run | wall | ratio | curve floor | no request generating | loads per server | " +
      "slot utilisation | files / coder commits |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
  const rows = runs.map((r) => row(r, base));
  for (const r of rows) console.log(r.line);
  if (!rows.every((r) => r.ok)) {
    console.error("FAIL: files, commits or loads per server differ from the sequential run");
    Deno.exitCode = 1;
  }
}
