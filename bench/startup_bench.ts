/**
 * Start-up: `lao --version`, `lao status` on a fresh project (no
 * factory.yaml, no database) and on a
 * 10,000-task database, `lao status --json` at 10,000 tasks, and `lao health`
 * against the fake server, each a fresh `deno run` of main.ts under LAO's own
 * config and permission set. The runs go in rounds: each round starts a bare
 * script under the same config first, then each command once, and each
 * command's ratio is taken to the bare start of its own round, so a machine
 * that slows down between the baseline and the command moves both.
 *
 * @module
 */
import { join } from "node:path";
import { start } from "../tests/fake_server/server.ts";
import { KEYS } from "../tests/pipeline/scripted.ts";
import { denoArgs, denoCommand, REPO } from "./baselines.ts";
import { makeDatabase } from "./queue_bench.ts";
import { type Stat, stat } from "./stats.ts";

/** The commands timed. */
const COMMANDS = ["version", "statusEmpty", "status10k", "statusJson10k", "health"] as const;
type Command = typeof COMMANDS[number];

/** One command's start-up: milliseconds, and each run over its round's bare start. */
export interface StartupFigure {
  ms: Stat;
  overBare: Stat;
}

/** Start-up times of each command, and the bare starts of the same rounds. */
export type StartupFigures = Record<Command, StartupFigure> & { bare: Stat };

/** Milliseconds of one `deno run <args>` in `cwd`. */
async function timeOnce(args: string[], cwd: string): Promise<number> {
  const cmd = denoCommand(args, cwd);
  const t0 = performance.now();
  await cmd.output();
  return performance.now() - t0;
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
    const bareDir = await Deno.makeTempDir({ prefix: "lao_bench_bare_" });
    const bareScript = join(bareDir, "empty.ts");
    await Deno.writeTextFile(bareScript, "\n");
    try {
      const commands: Record<Command, [string[], string]> = {
        version: [denoArgs(main, ["--version"]), fresh],
        statusEmpty: [denoArgs(main, ["status"]), fresh],
        status10k: [denoArgs(main, ["status"]), big],
        statusJson10k: [denoArgs(main, ["status", "--json"]), big],
        health: [denoArgs(main, ["health"]), empty],
      };
      return await rounds(runs, [denoArgs(bareScript), bareDir], commands);
    } finally {
      await Deno.remove(bareDir, { recursive: true });
    }
  } finally {
    await Deno.remove(fresh, { recursive: true });
    await Deno.remove(empty, { recursive: true });
    await Deno.remove(big, { recursive: true });
  }
}

/** `runs` rounds (after one untimed): the bare start, then each command once. */
async function rounds(
  runs: number,
  bareRun: [string[], string],
  commands: Record<Command, [string[], string]>,
): Promise<StartupFigures> {
  const bare: number[] = [];
  const ms = Object.fromEntries(COMMANDS.map((c) => [c, [] as number[]])) as Record<
    Command,
    number[]
  >;
  for (let round = 0; round <= runs; round++) {
    const b = await timeOnce(...bareRun);
    const times = [] as [Command, number][];
    for (const c of COMMANDS) times.push([c, await timeOnce(...commands[c])]);
    if (round === 0) continue; // warm-up
    bare.push(b);
    for (const [c, t] of times) ms[c].push(t);
  }
  const figure = (c: Command): StartupFigure => ({
    ms: stat(ms[c]),
    overBare: stat(ms[c].map((t, i) => t / bare[i]!)),
  });
  return {
    bare: stat(bare),
    version: figure("version"),
    statusEmpty: figure("statusEmpty"),
    status10k: figure("status10k"),
    statusJson10k: figure("statusJson10k"),
    health: figure("health"),
  };
}
