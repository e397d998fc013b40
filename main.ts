/**
 * LAO entry point: `deno run --config <repo>/deno.json -P=lao <repo>/main.ts ARGS`.
 *
 * @module
 */
import { main } from "./src/cli/main.ts";

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
