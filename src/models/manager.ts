/**
 * The model manager: keeps one large LLM resident, swapping
 * models per role with a memory gate in between, a JIT fallback when LM
 * Studio's guardrails refuse a load, and counters for the quality report.
 *
 * @module
 */
import type { Config, RoleName } from "../config/schema.ts";
import type { Emit } from "../events/bus.ts";
import { InterruptedError } from "../errors.ts";
import { GuardrailRefusalError, LlmError, RequestTimeoutError } from "../llm/errors.ts";
import { abortableSleep } from "../llm/retry.ts";
import { isAuthFailure } from "./detect.ts";
import { type GateClock, runMemoryGate } from "./memory/gate.ts";
import type { MemoryProbe } from "./memory/probe.ts";
import {
  emptyStats,
  type HealthInfo,
  type LoadedModel,
  loadedOf,
  type ManagerStats,
  type ModelBackend,
  type ModelManager,
} from "./types.ts";

/** Dependencies of {@linkcode createModelManager}. */
export interface ManagerDeps {
  /** Server protocol. */
  backend: ModelBackend;
  /** Memory probe for the gate (omit to skip the gate). */
  probe?: MemoryProbe;
  /** Clock (default real time). */
  clock?: GateClock;
  /** Event sink. */
  emit?: Emit;
}

/** The fix hint for a guardrail refusal. */
export const GUARDRAIL_HINT =
  "set LM Studio > Developer > Server Settings > Model Loading Guardrails to Off or Relaxed, or choose a smaller model or context_length";

/**
 * Loads and unloads any manager of this process did. A manager trusts the
 * models it saw resident only while this count is unchanged (the Pilot's and
 * the pipeline's managers share a server); a miss lists the server again.
 */
let serverChanges = 0;

/**
 * How long (ms) a manager trusts what it saw without asking again: back-to-back
 * calls skip the listing; after a longer gap another process (a second LAO,
 * the server's idle unload, a person at the server) may have changed it.
 */
export const RESIDENT_TRUST_MS = 2000;

const realClock: GateClock = { now: () => performance.now(), sleep: abortableSleep };

function sizeOf(config: Config, loaded: LoadedModel): number {
  if (loaded.sizeBytes !== undefined) return loaded.sizeBytes;
  const role = Object.values(config.models).find((m) =>
    m.key === loaded.key || loaded.id.includes(m.key) || m.key.includes(loaded.id)
  );
  return role?.size_bytes ?? 0;
}

/** What a manager saw resident: trusted while no manager changed the server and not for long. */
function residentMemory(clock: GateClock) {
  let resident = new Map<string, number>();
  let seenAt = -1;
  let seenTime = -Infinity;
  return {
    remember(models: ReadonlyArray<{ key: string; contextLength?: number }>): void {
      resident = new Map(models.map((m) => [m.key, m.contextLength ?? Infinity]));
      seenAt = serverChanges;
      seenTime = clock.now();
    },
    trusted(key: string, contextLength: number): boolean {
      if (seenAt !== serverChanges || clock.now() - seenTime > RESIDENT_TRUST_MS) return false;
      return (resident.get(key) ?? -1) >= contextLength;
    },
  };
}

/** Creates the manager. */
export function createModelManager(config: Config, deps: ManagerDeps): ModelManager {
  const { backend } = deps;
  const clock = deps.clock ?? realClock;
  const emit = deps.emit ?? (() => {});
  const stats: ManagerStats = emptyStats();
  const embedderKey = config.models.embedder.key;
  const { remember, trusted } = residentMemory(clock);

  async function unload(id: string): Promise<void> {
    const started = clock.now();
    serverChanges++;
    await backend.unload(id);
    const seconds = (clock.now() - started) / 1000;
    stats.unloads++;
    stats.unloadSeconds += seconds;
    emit({ type: "model.unload", model: id, seconds });
  }

  async function loadWithFallback(key: string, contextLength: number): Promise<void> {
    try {
      await backend.load(key, contextLength);
    } catch (err) {
      const refused = err instanceof GuardrailRefusalError ||
        (err instanceof LlmError && err.status === 500 && backend.kind === "lmstudio");
      if (!refused) throw err;
      if (!backend.jitLoad) throw guardrail(key, err);
      try {
        await backend.jitLoad(key);
      } catch (jitErr) {
        throw guardrail(key, jitErr);
      }
    }
  }

  function guardrail(key: string, cause: unknown): GuardrailRefusalError {
    const detail = cause instanceof Error ? cause.message : String(cause);
    const error = new GuardrailRefusalError(
      `Cannot load "${key}": the server refused the load (${detail}); ${GUARDRAIL_HINT}`,
    );
    error.cause = cause;
    return error;
  }

  async function waitUntilLoaded(key: string, signal?: AbortSignal): Promise<void> {
    const o = config.orchestration;
    const deadline = clock.now() + o.model_load_timeout_s * 1000;
    for (;;) {
      if (signal?.aborted) throw new InterruptedError();
      const models = await backend.list();
      if (loadedOf(models).some((m) => m.key === key || m.id.includes(key))) return;
      if (clock.now() >= deadline) {
        throw new RequestTimeoutError(
          `Model "${key}" did not become ready within ${o.model_load_timeout_s} s`,
        );
      }
      await clock.sleep(o.model_load_poll_interval_s * 1000, signal);
    }
  }

  return {
    async health(): Promise<HealthInfo> {
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
    },

    listModels: () => backend.list(),

    async loaded() {
      return loadedOf(await backend.list());
    },

    async ensureLoaded(role: RoleName, signal?: AbortSignal): Promise<string> {
      const wanted = config.models[role];
      if (!backend.canLoad) return wanted.key;
      if (signal?.aborted) throw new InterruptedError();
      if (trusted(wanted.key, wanted.context_length)) return wanted.key;
      const loaded = loadedOf(await backend.list());
      // The listing can show the server cannot load (llama.cpp single-model): it serves as is.
      if (!backend.canLoad) return wanted.key;
      const ready = loaded.find((m) =>
        m.key === wanted.key && (m.contextLength ?? Infinity) >= wanted.context_length
      );
      if (ready) {
        remember(loaded);
        return wanted.key;
      }
      const before = deps.probe ? await deps.probe.read() : undefined;
      const victims = loaded.filter((m) =>
        role === "embedder" ? m.key === wanted.key : m.type === "llm" && m.key !== embedderKey
      );
      let freed = 0;
      for (const victim of victims) {
        await unload(victim.id);
        freed += sizeOf(config, victim);
      }
      if (before && deps.probe && victims.length) {
        const gate = await runMemoryGate({
          before,
          freedBytes: freed,
          needBytes: wanted.size_bytes,
          settings: config.memory_gate,
          probe: deps.probe,
          clock,
          signal,
          onWait: (p) => emit({ type: "memory.wait", ...p }),
        });
        stats.gateSeconds += gate.seconds;
        emit({
          type: "memory.gate",
          reason: gate.reason,
          seconds: gate.seconds,
          freedBytes: freed,
        });
      }
      const started = clock.now();
      serverChanges++;
      await loadWithFallback(wanted.key, wanted.context_length);
      await waitUntilLoaded(wanted.key, signal);
      remember([{ key: wanted.key, contextLength: wanted.context_length }]);
      const seconds = (clock.now() - started) / 1000;
      const swap = victims.some((v) => v.type === "llm");
      stats.loads++;
      stats.loadSeconds += seconds;
      if (swap) stats.swaps++;
      emit({ type: "model.load", role, model: wanted.key, seconds, swap });
      return wanted.key;
    },

    async contextLength(role: RoleName): Promise<number | undefined> {
      const key = config.models[role].key;
      const models = await backend.list();
      const model = models.find((m) => m.key === key) ??
        (backend.servesAnyKey ? models.find((m) => m.type === "llm") : undefined);
      if (!model) return undefined;
      const loadedCtx = model.instances.map((i) => i.contextLength)
        .filter((n): n is number => n !== undefined);
      if (!backend.setsContext && loadedCtx.length) return Math.max(...loadedCtx);
      return model.maxContextLength ?? await backend.contextOf?.(model.key);
    },

    unload,

    stats: () => ({ ...stats }),
  };
}
