/**
 * What every command gets: the environment, the terminal, and a lazily
 * loaded configuration and store.
 *
 * @module
 */
import { existsSync } from "node:fs";
import type { LoadConfigOptions, LoadedConfig } from "../config/load_core.ts";
import { loadConfigQuick } from "../config/load_quick.ts";
import { UserError } from "../errors.ts";
import { Store } from "../store/store.ts";
import type { Output } from "../ui/output.ts";
import { type GlobalOptions, toOverrides } from "./options.ts";

/** Things that touch the world, injected so tests can run commands in-process. */
export interface CliDeps {
  cwd: string;
  env: (name: string) => string | undefined;
  output: Output;
  /** Aborted on the second Ctrl+C; `stopping` on the first. */
  signal?: AbortSignal;
  /** The standard input `lao pilot` reads (default: `Deno.stdin`); a seam for in-process tests. */
  stdin?: CliInput;
}

/** A standard input: its bytes and whether it is a terminal. */
export interface CliInput {
  readable: ReadableStream<Uint8Array>;
  isTerminal(): boolean;
}

/** A command's implementation: returns the exit code. */
export type Action = (ctx: CliContext, opts: Record<string, unknown>, args: string[]) =>
  | number
  | Promise<number>;

/** The full configuration loader (the YAML library), once a context needed it. */
let fullLoader: ((opts: LoadConfigOptions) => LoadedConfig) | undefined;

/** A command's view of the program. */
export class CliContext {
  readonly deps: CliDeps;
  readonly globals: GlobalOptions;
  readonly gitFlagGiven: boolean;
  #loaded?: LoadedConfig;
  /** The configuration as the plain reader read it, when it could. */
  #quick?: LoadedConfig;
  #store?: Store;

  /** True for commands that only read or repair state: they never create a database. */
  readonly stateOnly: boolean;

  /** Creates a context for one command (its configuration read or its loader imported). */
  static async create(
    deps: CliDeps,
    globals: GlobalOptions,
    gitFlagGiven: boolean,
    opts: { stateOnly?: boolean } = {},
  ): Promise<CliContext> {
    const ctx = new CliContext(deps, globals, gitFlagGiven, opts);
    await ctx.#prepare();
    return ctx;
  }

  private constructor(
    deps: CliDeps,
    globals: GlobalOptions,
    gitFlagGiven: boolean,
    opts: { stateOnly?: boolean } = {},
  ) {
    this.deps = deps;
    this.globals = globals;
    this.gitFlagGiven = gitFlagGiven;
    this.stateOnly = opts.stateOnly ?? false;
  }

  /** The terminal. */
  get out(): Output {
    return this.deps.output;
  }

  /** Where the configuration comes from: the folder, the environment and the global flags. */
  #configOptions(): LoadConfigOptions {
    return {
      cwd: this.deps.cwd,
      env: this.deps.env,
      ...(this.globals.config ? { configPath: this.globals.config } : {}),
      overrides: toOverrides(this.globals, this.gitFlagGiven),
    };
  }

  /**
   * Reads the configuration with the small plain-YAML reader when it can
   * answer (`config/load_quick.ts`: a plain file, no warning, no error);
   * otherwise imports the full loader, which {@linkcode loaded} then runs
   * when first asked. The YAML library is a tenth of a start-up, and most
   * projects' `factory.yaml` is plain.
   */
  async #prepare(): Promise<void> {
    if (fullLoader) return;
    this.#quick = await loadConfigQuick(this.#configOptions());
    if (!this.#quick) fullLoader = (await import("../config/load.ts")).loadConfig;
  }

  /** The configuration (loaded once; warnings printed to stderr once). */
  get loaded(): LoadedConfig {
    if (!this.#loaded) {
      // #prepare left either the plain reading or the full loader.
      this.#loaded = this.#quick ?? fullLoader!(this.#configOptions());
      for (const w of this.#loaded.warnings) this.out.err(`warning: ${w}`);
    }
    return this.#loaded;
  }

  /**
   * The state store (opened and migrated once). For a command that only
   * reads or repairs state, a missing database is refused, not created.
   */
  get store(): Store {
    if (!this.#store) {
      const { config, configFile } = this.loaded;
      const path = config.paths.database;
      if (this.stateOnly && path !== ":memory:" && !existsSync(path)) {
        throw new UserError(
          configFile
            ? `no LAO state here yet (${path} does not exist): run lao run first`
            : `not a LAO project: run lao init (no factory.yaml and no state database here)`,
        );
      }
      this.#store = Store.open(path);
    }
    return this.#store;
  }

  /** The state database's path when the configuration is loaded (for error messages). */
  get databasePath(): string | undefined {
    return this.#loaded?.config.paths.database;
  }

  /** Closes what was opened. */
  close(): void {
    this.#store?.close();
  }
}
