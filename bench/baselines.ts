/**
 * The three baselines every figure is divided by, measured in the same
 * invocation: a bare Deno start (an empty script under LAO's config and
 * permission set), one bare chat request to the fake server, and one token
 * count of a 4 KB prompt.
 *
 * @module
 */
import { cl100k } from "../src/llm/tokens.ts";
import { start } from "../tests/fake_server/server.ts";
import { KEYS } from "../tests/pipeline/scripted.ts";
import type { BenchResults } from "./results.ts";
import { type Stat, timeRuns } from "./stats.ts";

/** The repository root (where deno.json is). */
export const REPO = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** `deno run` arguments that start a script the way `lao` starts: same config, same permissions. */
export function denoArgs(script: string, args: string[] = []): string[] {
  return ["run", "-q", "-P=lao", "--config", `${REPO}/deno.json`, script, ...args];
}

/** `deno <args>` in `cwd`, output discarded, as the start-up figures run it. */
export function denoCommand(args: string[], cwd: string = Deno.cwd()): Deno.Command {
  return new Deno.Command("deno", {
    args,
    cwd,
    stdout: "null",
    stderr: "null",
    env: { NO_COLOR: "1" },
  });
}

/** Times `runs` starts of `deno run <args>` in `cwd`; milliseconds each. */
export async function timeProcess(
  args: string[],
  runs: number,
  cwd: string = Deno.cwd(),
): Promise<Stat> {
  const cmd = denoCommand(args, cwd);
  return await timeRuns(runs, () => cmd.output());
}

/** A 4 KB prompt-like text. */
export function promptText(): string {
  const line = "Implement the parser for the configuration file and return typed errors. ";
  return line.repeat(Math.ceil(4096 / line.length)).slice(0, 4096);
}

/** Measures the three baselines. */
export async function measureBaselines(runs: number): Promise<BenchResults["baselines"]> {
  const dir = await Deno.makeTempDir({ prefix: "lao_bench_base_" });
  try {
    const empty = `${dir}/empty.ts`;
    await Deno.writeTextFile(empty, "\n");
    const denoStart = await timeProcess(denoArgs(empty), runs, dir);
    await using server = await start({ respond: () => ({ content: "pong" }) });
    const body = JSON.stringify({
      model: KEYS.reviewer,
      messages: [{ role: "user", content: "ping" }],
    });
    const bare = await timeRuns(runs, async () => {
      const r = await fetch(`${server.url}/v1/chat/completions`, { method: "POST", body });
      await r.body?.cancel();
    });
    const count = await cl100k();
    const text = promptText();
    const counted = await timeRuns(runs, () => count(text));
    return {
      deno_start_ms: { ...denoStart, label: "deno run of an empty script, same config" },
      bare_request_ms: { ...bare, label: "one bare chat request to the fake server" },
      token_count_ms: { ...counted, label: "one cl100k count of a 4 KB prompt" },
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
