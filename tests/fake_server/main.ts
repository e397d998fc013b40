/**
 * The project's fake model server, standalone, for trying LAO without a model:
 *
 *   deno task fake-server [--port 1234] [--flavor lmstudio|ollama|llamacpp]
 *
 * It serves the scripted session of the example plan (planner, coder and
 * reviewer answers for `plans/example_plan.md`) with the real wire protocol of
 * the chosen backend. In another terminal, in a project folder:
 * `lao init --no-interactive`, copy the example plan into `plans/`, point
 * `lm_studio_base_url` at the printed URL and `lao run --single-run`.
 *
 * @module
 */
import { EXAMPLE_TASKS, KEYS, scriptedSession } from "../pipeline/scripted.ts";
import { start } from "./server.ts";
import { defaultFakeModels, type FakeServerOptions } from "./types.ts";

const FLAVORS = ["lmstudio", "ollama", "llamacpp"] as const;

/** Parses `--port N` and `--flavor F`; returns an error line for anything else. */
export function parseArgs(argv: readonly string[]): { port: number; flavor: string } | string {
  let port = 1234;
  let flavor = "lmstudio";
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === "--port" && value !== undefined && /^\d+$/.test(value)) {
      port = Number(value);
      i++;
    } else if (argv[i] === "--flavor" && value !== undefined) {
      if (!(FLAVORS as readonly string[]).includes(value)) {
        return `fake-server: unknown flavor "${value}" (one of ${FLAVORS.join(", ")})`;
      }
      flavor = value;
      i++;
    } else return `fake-server: unknown argument "${argv[i]}" (use --port N, --flavor F)`;
  }
  return { port, flavor };
}

if (import.meta.main) {
  const args = parseArgs(Deno.args);
  if (typeof args === "string") {
    console.error(args);
    Deno.exit(2);
  }
  const server = await start({
    port: args.port,
    flavor: args.flavor as NonNullable<FakeServerOptions["flavor"]>,
    models: defaultFakeModels(),
    respond: scriptedSession(EXAMPLE_TASKS),
  });
  console.log(`fake model server (${args.flavor}) at ${server.url}`);
  console.log(`models: ${Object.values(KEYS).join(", ")}`);
  console.log("serving the example plan's scripted session; Ctrl+C stops it");
  Deno.addSignalListener("SIGINT", () => {
    server.close().finally(() => Deno.exit(0));
  });
}
