/**
 * LAO entry point: `deno run --config <repo>/deno.json -P=lao <repo>/main.ts ARGS`.
 * `lao --version` answers before anything else loads; `lao status` and
 * `lao version` (with or without `--json`) take the fast path, which loads no
 * argument parser and falls back to the full CLI for anything it does not
 * answer exactly; every other command loads the CLI (and the CLI loads only
 * the command it runs).
 *
 * @module
 */
import { VERSION } from "./src/cli/version.ts";

/** True for the bare version request, which needs no argument parser. */
export function isVersionRequest(args: string[]): boolean {
  return args.length === 1 && (args[0] === "--version" || args[0] === "-v");
}

if (import.meta.main) {
  if (isVersionRequest(Deno.args)) {
    console.log(`lao ${VERSION}`);
    Deno.exit(0);
  }
  const { fastPath } = await import("./src/cli/fast_path.ts");
  const fast = await fastPath(Deno.args);
  if (fast !== undefined) Deno.exit(fast);
  const { main } = await import("./src/cli/main.ts");
  Deno.exit(await main(Deno.args));
}
