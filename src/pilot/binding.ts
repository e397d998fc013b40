/**
 * What the Pilot is bound to: a project's config, its queue and the folder
 * the tools work in — the selected plan's workspace, or the project folder
 * itself (never an empty fallback folder, spec weak spot 10). Switching
 * projects builds a whole new binding or nothing (weak spot 9).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { type ConfigOverrides, loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { Store } from "../store/store.ts";

/** One project as the Pilot sees it. */
export interface PilotBinding {
  configDir: string;
  configFile: string | null;
  config: Config;
  /** The project's queue (undefined without a config: nothing to open). */
  store: Store | undefined;
  /** The folder the workspace tools work in. */
  workspace: string;
}

/** Options of {@linkcode bindProject}. */
export interface BindOptions {
  env: (name: string) => string | undefined;
  configPath?: string;
  overrides?: ConfigOverrides;
  /** A plan (file name or stem) whose workspace the tools use. */
  plan?: string;
}

/** Binds the project in `dir`; throws a `UserError` from the config loader when it is broken. */
export function bindProject(dir: string, opts: BindOptions): PilotBinding {
  const loaded = loadConfig({
    cwd: dir,
    env: opts.env,
    ...(opts.configPath ? { configPath: opts.configPath } : {}),
    ...(opts.overrides ? { overrides: opts.overrides } : {}),
  });
  const { config, configDir, configFile } = loaded;
  const store = configFile || existsSync(config.paths.database)
    ? Store.open(config.paths.database)
    : undefined;
  let workspace = configDir;
  if (opts.plan && store) {
    const want = opts.plan.replace(/\.md$/i, "");
    const plan = store.listPlans().filter((p) =>
      p.status !== "superseded" && (p.stem === want || p.filename === opts.plan)
    ).at(-1);
    if (plan?.workspace && existsSync(plan.workspace)) workspace = plan.workspace;
  }
  return { configDir, configFile, config, store, workspace };
}
