/**
 * The configuration loader of the CLI's fast path: the same rules as
 * `loadConfig`, with the small plain-YAML reader instead of the YAML library.
 * It answers only when the outcome is clean (a plain file, no warning, no
 * error); otherwise it returns `undefined` and the caller loads the
 * configuration the full way, which reports what is wrong.
 *
 * @module
 */
import { type LoadConfigOptions, loadConfigWith, type LoadedConfig } from "./load_core.ts";
import { quickYaml } from "./quick_yaml.ts";

/** Raised inside the fast loader to give up; never leaves this module. */
class NotQuick extends Error {}

/** The loaded configuration, or undefined when only the full loader may answer. */
export function loadConfigQuick(opts: LoadConfigOptions): LoadedConfig | undefined {
  try {
    const loaded = loadConfigWith(opts, (text) => {
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
    });
    return loaded.warnings.length === 0 ? loaded : undefined;
  } catch {
    return undefined;
  }
}
