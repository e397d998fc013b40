/**
 * The CLI's fast path: `lao status [--json]` and `lao version [--json]`
 * answered without the argument parser (commander), the YAML library or, when
 * there is no database, the store. It answers only argv it knows exactly and
 * only a clean outcome (no warning, no error, a plain `factory.yaml`); for
 * anything else it returns `undefined` and `main.ts` runs the full CLI, which
 * prints the same output for the same argv (tests/cli_fast_path_test.ts).
 *
 * @module
 */
import { loadConfigQuick } from "../config/load_quick.ts";
import { denoOutput } from "../ui/output.ts";
import type { CliDeps } from "./context.ts";
import { isFilesystemRoot, safeEnv } from "./process_env.ts";

type FastCommand = { name: "status" | "version"; json: boolean };

/** The command when `args` is one the fast path knows exactly, else undefined. */
export function fastCommand(args: readonly string[]): FastCommand | undefined {
  const rest = args.filter((a) => a !== "--json");
  if (rest.length !== 1 || args.length - rest.length > 1) return undefined;
  const name = rest[0];
  if (name !== "status" && name !== "version") return undefined;
  return { name, json: args.length === 2 };
}

/** Runs `args` on the fast path: the exit code, or undefined to run the full CLI instead. */
export async function fastPath(
  args: readonly string[],
  deps?: Partial<CliDeps>,
): Promise<number | undefined> {
  const command = fastCommand(args);
  // A narrower permission set than `lao`'s: the full CLI words what is missing.
  if (!command || !granted("read") || !granted("write")) return undefined;
  const env = deps?.env ?? safeEnv;
  const cwd = deps?.cwd ?? Deno.cwd();
  const home = env("HOME") ?? env("USERPROFILE");
  // The full CLI refuses the root and warns in the home folder: leave both to it.
  if (isFilesystemRoot(cwd) || (home && cwd.replace(/\/+$/, "") === home.replace(/\/+$/, ""))) {
    return undefined;
  }
  const output = deps?.output ?? denoOutput(env);
  if (command.name === "version") {
    const { VERSION, versionInfo } = await import("./version.ts");
    output.out(command.json ? JSON.stringify(versionInfo(), null, 2) : `lao ${VERSION}`);
    return 0;
  }
  const loaded = await loadConfigQuick({ cwd, env, overrides: { models: {} } });
  if (!loaded) return undefined;
  const path = loaded.config.paths.database;
  const { emptyStatus, printStatus } = await import("./commands/status_doc.ts");
  let doc: import("./commands/status_doc.ts").StatusDocument;
  let store: import("../store/store.ts").Store | undefined;
  try {
    if (exists(path)) {
      const { buildStatus } = await import("./commands/status.ts");
      const opened = (await import("../store/store.ts")).Store.open(path);
      store = opened;
      doc = buildStatus({ loaded, store: opened });
    } else {
      doc = emptyStatus(loaded);
    }
  } catch {
    return undefined; // the full CLI words the failure (storage faults, permissions)
  } finally {
    try {
      store?.close();
    } catch {
      // the full CLI reports a database that cannot close cleanly
    }
  }
  return printStatus(output, doc, { json: command.json });
}

/** True when `path` names something (links followed), as `existsSync`. */
function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** True when the whole of `name` (no path scope) is granted. */
function granted(name: "read" | "write"): boolean {
  try {
    return Deno.permissions.querySync({ name }).state === "granted";
  } catch {
    return false;
  }
}
