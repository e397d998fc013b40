/**
 * One health probe of a server through its backend: reachable or not, the
 * round trip, the version and mode it reports (the mode is known only after
 * the probe, so it is read last). Never loads a model.
 *
 * @module
 */
import { isAuthFailure } from "./detect.ts";
import type { GateClock } from "./memory/gate.ts";
import type { HealthInfo, ModelBackend } from "./types.ts";

/** Probes `backend` once; a refused API key counts as reachable with `authFailed`. */
export async function backendHealth(backend: ModelBackend, clock: GateClock): Promise<HealthInfo> {
  const started = clock.now();
  try {
    const version = await backend.version();
    return {
      reachable: true,
      latencyMs: clock.now() - started,
      kind: backend.kind,
      ...(version ? { version } : {}),
      ...(backend.variant ? { variant: backend.variant } : {}),
    };
  } catch (err) {
    const authFailed = isAuthFailure(err);
    return {
      reachable: authFailed,
      latencyMs: clock.now() - started,
      kind: backend.kind,
      ...(backend.variant ? { variant: backend.variant } : {}),
      ...(authFailed ? { authFailed } : {}),
      error: err instanceof Error ? err.message : String(err),
    };
  }
}
