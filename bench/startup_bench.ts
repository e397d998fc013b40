/**
 * Start-up: `lao --version`, `lao status` on a fresh project (no
 * factory.yaml, no database) and on a
 * 10,000-task database, `lao status --json` at 10,000 tasks, and `lao health`
 * against the fake server, each a fresh `deno run` of main.ts under LAO's own
 * config and permission set.
 *
 * @module
 */
import { join } from "node:path";
import { start } from "../tests/fake_server/server.ts";
import { KEYS } from "../tests/pipeline/scripted.ts";
import { denoArgs, REPO, timeProcess } from "./baselines.ts";
import { makeDatabase } from "./queue_bench.ts";
import type { Stat } from "./stats.ts";

/** Start-up times in milliseconds. */
export interface StartupFigures {
  version: Stat;
  statusEmpty: Stat;
  status10k: Stat;
  statusJson10k: Stat;
  health: Stat;
}

/** Times each command `runs` times. */
export async function benchStartup(runs: number): Promise<StartupFigures> {
  const main = join(REPO, "main.ts");
  const fresh = await Deno.makeTempDir({ prefix: "lao_bench_fresh_" });
  const empty = await Deno.makeTempDir({ prefix: "lao_bench_health_" });
  const big = await Deno.makeTempDir({ prefix: "lao_bench_10k_" });
  await using server = await start({ respond: () => ({ content: "ok" }) });
  try {
    await Deno.mkdir(join(big, ".lao"), { recursive: true });
    makeDatabase(join(big, ".lao", "state.db"), 20, 500);
    await Deno.writeTextFile(
      join(empty, "factory.yaml"),
      [
        `lm_studio_base_url: ${server.url}`,
        "server:",
        "  kind: lmstudio",
        "models:",
        `  planner: { key: ${JSON.stringify(KEYS.planner)} }`,
        `  coder: { key: ${JSON.stringify(KEYS.coder)} }`,
        `  reviewer: { key: ${JSON.stringify(KEYS.reviewer)} }`,
        "",
      ].join("\n"),
    );
    return {
      version: await timeProcess(denoArgs(main, ["--version"]), runs, fresh),
      statusEmpty: await timeProcess(denoArgs(main, ["status"]), runs, fresh),
      status10k: await timeProcess(denoArgs(main, ["status"]), runs, big),
      statusJson10k: await timeProcess(denoArgs(main, ["status", "--json"]), runs, big),
      health: await timeProcess(denoArgs(main, ["health"]), runs, empty),
    };
  } finally {
    await Deno.remove(fresh, { recursive: true });
    await Deno.remove(empty, { recursive: true });
    await Deno.remove(big, { recursive: true });
  }
}
