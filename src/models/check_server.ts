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
import {
  authHint,
  checkHealth,
  type HealthReport,
  uncheckedRoles,
  unreachableHint,
} from "./health.ts";
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
    const configured = config.server.kind === "auto" ? null : config.server.kind;
    const kindReason = configured
      ? undefined
      : refused
      ? "the server refused the API key before saying what it is"
      : "the server did not answer";
    const roles = uncheckedRoles(config);
    return {
      ok: false,
      url,
      server: refused
        ? {
          reachable: true,
          authFailed: true,
          latencyMs: 0,
          kind: configured,
          ...(kindReason ? { kindReason } : {}),
          error: refused.message,
        }
        : {
          reachable: false,
          latencyMs: 0,
          kind: configured,
          ...(kindReason ? { kindReason } : {}),
          error: "no answer",
        },
      roles,
      loaded: [],
      hints: [
        refused
          ? authHint(url, `HTTP ${refused.status}`)
          : unreachableHint(url, config.server.kind),
      ],
    };
  }
  return await checkHealth(config, {
    manager: createModelManager(config, { backend }),
    ...(opts.probe ? { probe: opts.probe } : {}),
  });
}
