/**
 * The configuration loader tried first (the CLI's fast path, and every
 * command's context, `cli/context.ts`): the same rules as
 * `loadConfig`, with the small plain-YAML reader instead of the YAML library,
 * and without the schema library when the merged settings equal the built-in
 * defaults (a fresh `lao init` writes exactly those; the defaults pass the
 * schema unchanged, `load_quick_test.ts`). It answers only when the outcome is
 * clean (a plain file, no warning, no error); otherwise it returns
 * `undefined` and the caller loads the configuration the full way, which
 * reports what is wrong.
 *
 * @module
 */
import { defaultConfig } from "./defaults.ts";
import {
  type ConfigParser,
  type ConfigValidator,
  type LoadConfigOptions,
  loadConfigWith,
  type LoadedConfig,
} from "./load_core.ts";
import { quickYaml } from "./quick_yaml.ts";
import type { Config } from "./schema.ts";

/** Raised inside the fast loader to give up; never leaves this module. */
class NotQuick extends Error {}

/** Raised when the settings differ from the defaults: the schema must check them. */
class NeedsSchema extends Error {}

const plainParser: ConfigParser = (text) => {
  const raw = quickYaml(text);
  if (raw === undefined) throw new NotQuick();
  return {
    raw,
    keyLines: {
      lineOf: () => {
        throw new NotQuick(); // a warning or an error: the full loader words it
      },
    },
  };
};

/** Passes settings equal to the defaults (they pass the schema unchanged); asks for the schema otherwise. */
const defaultsOnly: ConfigValidator = (config, configDir) => {
  if (!sameData(config, defaultConfig(configDir))) throw new NeedsSchema();
  return { success: true, data: config as unknown as Config };
};

/** The loaded configuration, or undefined when only the full loader may answer. */
export async function loadConfigQuick(opts: LoadConfigOptions): Promise<LoadedConfig | undefined> {
  const attempt = (validate: ConfigValidator): LoadedConfig | undefined => {
    const loaded = loadConfigWith(opts, plainParser, validate);
    return loaded.warnings.length === 0 ? loaded : undefined;
  };
  try {
    try {
      return attempt(defaultsOnly);
    } catch (err) {
      if (!(err instanceof NeedsSchema)) throw err;
    }
    const { configSchema } = await import("./schema.ts");
    return attempt((c) => configSchema.safeParse(c));
  } catch {
    return undefined;
  }
}

/** Deep equality of JSON-like data (key order aside). */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && sameData(ra[k], rb[k]));
}
