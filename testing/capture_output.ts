/**
 * An {@linkcode Output} that keeps what a command printed, for running CLI
 * commands in-process: `lines` (stdout) and `errors` (stderr), no terminal,
 * no colour.
 *
 * @module
 */
import type { Output } from "../src/ui/output.ts";

/** The terminal port of an in-process CLI test, with what was printed. */
export type CapturedOutput = Output & { lines: string[]; errors: string[] };

/** A fresh captured output. */
export function captureOutput(): CapturedOutput {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    isTty: false,
    color: false,
  };
}
