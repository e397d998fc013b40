/**
 * Server-side token counts where the server offers them: llama.cpp's
 * `/tokenize` counts a sample with the model's real tokenizer, and the ratio
 * to the local cl100k estimate becomes each role's starting calibration
 * (later refined by `usage.prompt_tokens`).
 *
 * @module
 */
import { type Config, ROLES } from "../config/schema.ts";
import { roleEndpoint } from "./factory.ts";
import { countWithServer, type TokenCalibration, type TokenCounter } from "./tokens.ts";

/** Calibrates every role whose server can count tokens; returns the roles calibrated. */
export async function calibrateFromServer(
  config: Config,
  sample: string,
  count: TokenCounter,
  calibration: TokenCalibration,
  fetchFn: typeof fetch = fetch,
): Promise<string[]> {
  const local = count(sample);
  const done: string[] = [];
  const seen = new Map<string, number | undefined>();
  for (const role of ROLES) {
    if (role === "embedder") continue;
    const { baseUrl, apiKey } = roleEndpoint(config, role);
    const id = `${baseUrl}\n${apiKey}`;
    if (!seen.has(id)) seen.set(id, await countWithServer(baseUrl, sample, fetchFn, apiKey));
    const server = seen.get(id);
    if (server === undefined) continue;
    calibration.observe(config.models[role].key, local, server);
    done.push(role);
  }
  return done;
}
