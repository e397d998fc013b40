/**
 * `lao ARGS` as one `sh` line for a terminal pane, as a user's shell would
 * start it: no colour, the test's Deno cache, the given environment.
 *
 * @module
 */
import { shellQuote } from "../testing/tmux.ts";
import { denoDir, denoPath, laoCommand } from "./lao_process.ts";

/** `VAR=value … deno run … main.ts ARGS`, quoted for `sh`. */
export function laoPaneLine(args: readonly string[], env: Record<string, string> = {}): string {
  const vars = Object.entries({ NO_COLOR: "1", DENO_DIR: denoDir(), ...env })
    .map(([k, v]) => `${k}=${shellQuote(v)}`).join(" ");
  const command = [denoPath(), ...laoCommand(), ...args].map(shellQuote).join(" ");
  return `${vars} ${command}`;
}
