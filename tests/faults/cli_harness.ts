/**
 * Runs LAO's CLI in-process with captured output, for the fault tests.
 *
 * @module
 */
import { main } from "../../src/cli/main.ts";

/** What a command printed and returned. */
export interface CliResult {
  code: number;
  stdout: string[];
  stderr: string[];
}

/** Runs `lao ARGS` in `cwd` without a terminal. */
export async function lao(cwd: string, args: string[]): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(args, {
    cwd,
    env: (name) => (name === "HOME" ? "/nonexistent-home" : undefined),
    output: {
      out: (l) => stdout.push(l),
      err: (l) => stderr.push(l),
      isTty: false,
      color: false,
    },
  });
  return { code, stdout, stderr };
}

/** A temporary folder, removed afterwards. */
export async function inTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lao_faults_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Asserts the result is one line on stderr, no stack trace, and returns that line. */
export function oneLine(r: CliResult): string {
  const lines = r.stderr.filter((l) => l.trim() !== "" && !l.startsWith("notice: "));
  if (lines.length !== 1 || /^\s+at /m.test(lines.join("\n")) || r.code === 70) {
    throw new Error(`expected one line, got exit ${r.code}:\n${r.stderr.join("\n")}`);
  }
  return lines[0]!;
}
