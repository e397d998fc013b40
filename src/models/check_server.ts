/**
 * The whole health check from a configuration: find the server's backend
 * (probing when `server.kind` is `auto`), then check every role's model
 * without loading anything. Used by `lao health`, `lao run` and the home
 * screen.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import { backendFor } from "./detect.ts";
import { checkHealth, type HealthReport } from "./health.ts";
import { createModelManager } from "./manager.ts";
import type { MemoryProbe } from "./memory/probe.ts";

/** Checks the configured server; an unreachable one gives `ok: false` and a one-line fix. */
export async function checkServer(
  config: Config,
  opts: { probe?: MemoryProbe } = {},
): Promise<HealthReport> {
  const backend = await backendFor(config).catch(() => undefined);
  if (!backend) {
    return {
      ok: false,
      url: config.lm_studio_base_url,
      server: { reachable: false, latencyMs: 0, kind: "openai", error: "no answer" },
      roles: [],
      loaded: [],
      hints: [
        `Cannot reach the model server at ${config.lm_studio_base_url}: start it (LM Studio: lms server start) or set lm_studio_base_url`,
      ],
    };
  }
  return await checkHealth(config, {
    manager: createModelManager(config, { backend }),
    ...(opts.probe ? { probe: opts.probe } : {}),
  });
}
