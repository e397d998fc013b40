/**
 * Loads `factory.yaml` (see `load_core.ts` for the rules) with the full YAML
 * parser: duplicate keys, aliases and every library error reported as one
 * `file:line` line.
 *
 * @module
 */
import { type LoadConfigOptions, loadConfigWith, type LoadedConfig } from "./load_core.ts";
import { parseConfigYaml } from "./parse_yaml.ts";
import { configSchema } from "./schema.ts";

export * from "./load_core.ts";

/** Loads, merges and validates the configuration. Throws {@linkcode UserError} on bad input. */
export function loadConfig(opts: LoadConfigOptions): LoadedConfig {
  return loadConfigWith(opts, parseConfigYaml, (c) => configSchema.safeParse(c));
}
