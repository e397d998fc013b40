/**
 * The whole health check from a configuration: find the server's backend
 * (probing when `server.kind` is `auto`), then check every role's model
 * without loading anything. Used by `lao health`, `lao run` and the home
 * screen.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import { backendFor, isAuthFailure } from "./detect.ts";
import { authHint, checkHealth, type HealthReport, startHint } from "./health.ts";
import { createModelManager } from "./manager.ts";
import type { MemoryProbe } from "./memory/probe.ts";

/** Checks the configured server; an unreachable one gives `ok: false` and a one-line fix. */
export async function checkServer(
  config: Config,
  opts: { probe?: MemoryProbe } = {},
): Promise<HealthReport> {
  const url = config.lm_studio_base_url;
  let failure: unknown;
  const backend = await backendFor(config).catch((err) => void (failure = err));
  if (!backend) {
    const refused = isAuthFailure(failure) ? failure : undefined;
    return {
      ok: false,
      url,
      server: refused
        ? {
          reachable: true,
          authFailed: true,
          latencyMs: 0,
          kind: "openai",
          error: refused.message,
        }
        : { reachable: false, latencyMs: 0, kind: "openai", error: "no answer" },
      roles: [],
      loaded: [],
      hints: [
        refused
          ? authHint(url, `HTTP ${refused.status}`)
          : `Cannot reach the model server at ${url}: ${
            startHint(config.server.kind)
          } or set lm_studio_base_url`,
      ],
    };
  }
  return await checkHealth(config, {
    manager: createModelManager(config, { backend }),
    ...(opts.probe ? { probe: opts.probe } : {}),
  });
}
