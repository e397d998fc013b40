/**
 * Runs LAO's CLI in this test process: the same `main(args)` that `main.ts`
 * calls after its `--version` and `lao status` fast paths (which
 * `tests/cli_fast_path_test.ts` holds equal to the full CLI), with the
 * output captured instead of printed. What it returns has the shape of
 * {@linkcode runLao}'s result, so a test reads the same either way; it costs
 * no Deno start-up and no module loading per call. Keep spawned processes
 * for what only a process shows: exit codes through `Deno.exit`, permission
 * sets, signals, the environment a child gets, stray writes to the terminal.
 *
 * @module
 */
import type { CliInput } from "../src/cli/context.ts";
import { main } from "../src/cli/main.ts";
import { captureOutput } from "../testing/capture_output.ts";
import type { LaoResult } from "./lao_process.ts";

/**
 * Runs `lao ARGS` in `cwd` in-process. The environment is this process's, as
 * a child's would be, with `NO_COLOR` set and `env` on top (a name mapped to
 * `undefined` is unset). `stdin` is what a pipe into `lao` would carry (no
 * terminal); without it the command sees this process's standard input.
 */
export async function laoInProcess(
  cwd: string,
  args: string[],
  opts: { env?: Record<string, string | undefined>; stdin?: string } = {},
): Promise<LaoResult> {
  const extra: Record<string, string | undefined> = { NO_COLOR: "1", ...opts.env };
  const output = captureOutput();
  const code = await main(args, {
    cwd,
    env: (name) => (name in extra ? extra[name] : Deno.env.get(name)),
    output,
    ...(opts.stdin === undefined ? {} : { stdin: pipedInput(opts.stdin) }),
  });
  const text = (lines: string[]) => lines.map((l) => `${l}\n`).join("");
  return { code, stdout: text(output.lines), stderr: text(output.errors) };
}

/** A standard input that is a pipe carrying `text`, then its end. */
function pipedInput(text: string): CliInput {
  const bytes = new TextEncoder().encode(text);
  return {
    readable: new ReadableStream({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    }),
    isTerminal: () => false,
  };
}
