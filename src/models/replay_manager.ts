/**
 * A {@linkcode ModelManager} stand-in for cassette replay: no server, no-op
 * loads that still count (so swap counts match a recorded run).
 *
 * @module
 */
import type { Config, RoleName } from "../config/schema.ts";
import type { Emit } from "../events/bus.ts";
import {
  emptyStats,
  type LoadedModel,
  type ManagerStats,
  type ModelInfo,
  type ModelManager,
} from "./types.ts";

/** Creates the replay manager; every configured key is "available". Loads emit `model.load`. */
export function replayModelManager(config: Config, emit: Emit = () => {}): ModelManager {
  const stats: ManagerStats = emptyStats();
  let resident: string | undefined;
  const keys = [...new Set(Object.values(config.models).map((m) => m.key))];
  return {
    health: () =>
      Promise.resolve({ reachable: true, latencyMs: 0, kind: "openai", version: "replay" }),
    listModels: () =>
      Promise.resolve(keys.map((key): ModelInfo => ({
        key,
        type: key === config.models.embedder.key ? "embedding" : "llm",
        instances: key === resident ? [{ id: key }] : [],
      }))),
    loaded: () =>
      Promise.resolve(
        resident ? [{ id: resident, key: resident, type: "llm" } satisfies LoadedModel] : [],
      ),
    ensureLoaded(role: RoleName) {
      const key = config.models[role].key;
      if (role === "embedder" || key === resident) return Promise.resolve(key);
      const swap = resident !== undefined;
      if (resident) {
        stats.unloads++;
        stats.swaps++;
        emit({ type: "model.unload", model: resident, seconds: 0 });
      }
      stats.loads++;
      resident = key;
      emit({ type: "model.load", role, model: key, seconds: 0, swap });
      return Promise.resolve(key);
    },
    contextLength: () => Promise.resolve(undefined),
    unload(id: string) {
      if (id === resident) resident = undefined;
      stats.unloads++;
      return Promise.resolve();
    },
    stats: () => ({ ...stats }),
  };
}
