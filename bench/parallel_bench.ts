/**
 * Slots bench (issue 16): the 50-task layered plan against fakes that
 * generate at `TPS` tokens/s per request with the batching curve of
 * `tests/fake_server/slots.ts`, run three times in one invocation:
 * sequential (one server, one slot: today's scheduler), one server of 4
 * slots, two servers of 4 slots. Wall time is real (the fakes sleep on real
 * timers; no virtual clock), so the figures include LAO's own overhead (git,
 * SQLite, validators); they are reported as ratios against the sequential
 * run. Also checked: identical final files and the same coder commits
 * (modulo order) as the sequential run, and loads per plan next to the bound.
 *
 * Run: `deno run -A bench/parallel_bench.ts [completion_tokens] [layers] [width]`
 * (default 9 tokens, 5 layers of 10 tasks: the 50-task layered plan; fewer
 * layers keep the layered shape with a shorter run).
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
import { start } from "../tests/fake_server/server.ts";
import { harness } from "../tests/pipeline/harness.ts";
import { scriptedSession } from "../tests/pipeline/scripted.ts";
import { layeredTasks } from "./pipeline_bench.ts";

/** Tokens per second of one request alone. */
const TPS = 30;
const TOKENS = Number(Deno.args[0] ?? 9);
const LAYERS = Number(Deno.args[1] ?? 5);
const WIDTH = Number(Deno.args[2] ?? 10);

/** The layered plan of `LAYERS` × `WIDTH` tasks. */
function layered() {
  const tasks = layeredTasks(LAYERS, WIDTH);
  const plan = `# Layered\n\n${tasks.map((t) => `- ${t.title}: ${t.file}`).join("\n")}\n`;
  return { name: "layered.md", tasks, plan };
}

/** What one configuration measured. */
interface Measured {
  label: string;
  wallSeconds: number;
  files: string[];
  commits: string[];
  loads: Record<string, { loads: number; lowerBound: number }>;
  /** Model loads each fake server saw, in server order. */
  serverLoads: number[];
  slots?: string;
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
    const list: Config["servers"] = [h.server.url, ...extra.map((e) => e.url)].map((url, i) => ({
      name: `s${i + 1}`,
      base_url: url,
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
    const runner = new GitRunner({ hooksDir: emptyHooksDir(h.dir) });
    const repo = await openRepo(plan.workspace!, runner);
    if (!repo.ok || !repo.layout) throw new Error(`${label}: no repository`);
    const log = await pinnedGit(runner, repo.layout, ["log", "--format=%s"]);
    const commits = log.stdout.split("\n").filter((l) => l.startsWith("lao(coder):")).sort();
    const u = result.slotUsage;
    const slotText = u
      ? Object.entries(u.servers).map(([n, v]) =>
        `${n} ${Math.round((100 * v.busySeconds) / v.availableSeconds)}% busy`
      ).join(", ")
      : undefined;
    return {
      label,
      wallSeconds,
      files,
      commits,
      loads: result.loadsPerPlan,
      serverLoads: [h.server, ...extra].map((f) => f.state.loads),
      ...(slotText ? { slots: slotText } : {}),
    };
  } finally {
    for (const e of extra) await e.close();
  }
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

if (import.meta.main) {
  const runs = [
    await measure("sequential (1 server, 1 slot)", 1, 1),
    await measure("1 server, 4 slots", 1, 4),
    await measure("2 servers, 4 slots each", 2, 4),
  ];
  const base = runs[0]!;
  console.log(
    `layered ${LAYERS}x${WIDTH}, fake at ${TPS} tok/s per request, ${TOKENS} tokens per answer`,
  );
  for (const r of runs) {
    const ratio = (r.wallSeconds / base.wallSeconds).toFixed(2);
    const loads = Object.values(r.loads).map((l) =>
      `${l.loads} loads (bound ${l.lowerBound}; per server ${r.serverLoads.join("/")})`
    );
    console.log(
      `  ${r.label}: ${r.wallSeconds.toFixed(1)}s = ${ratio}x sequential; ${loads.join(", ")}; ` +
        `files ${same(r.files, base.files) ? "identical" : "DIFFER"}; coder commits ` +
        `${same(r.commits, base.commits) ? "the same" : "DIFFER"} (${r.commits.length})` +
        (r.slots ? `; ${r.slots}` : ""),
    );
  }
}
