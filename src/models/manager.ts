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
import { abortableSleep } from "../llm/retry.ts";
import { backendHealth } from "./backend_health.ts";
import { type GateClock, runMemoryGate } from "./memory/gate.ts";
import type { MemoryProbe } from "./memory/probe.ts";
import { loadWithFallback, waitUntilLoaded } from "./model_load.ts";
import { noteServerChange, ResidentMemory } from "./resident_memory.ts";
import {
  emptyStats,
  type LoadedModel,
  loadedOf,
  type ManagerStats,
  type ModelBackend,
  type ModelManager,
} from "./types.ts";

export { GUARDRAIL_HINT } from "./model_load.ts";
export { RESIDENT_TRUST_MS } from "./resident_memory.ts";

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

const realClock: GateClock = { now: () => performance.now(), sleep: abortableSleep };

/** What one manager's steps share. */
interface Manager {
  config: Config;
  backend: ModelBackend;
  probe?: MemoryProbe;
  clock: GateClock;
  emit: Emit;
  stats: ManagerStats;
  resident: ResidentMemory;
}

function sizeOf(config: Config, loaded: LoadedModel): number {
  if (loaded.sizeBytes !== undefined) return loaded.sizeBytes;
  const role = Object.values(config.models).find((m) =>
    m.key === loaded.key || loaded.id.includes(m.key) || m.key.includes(loaded.id)
  );
  return role?.size_bytes ?? 0;
}

/** The models to unload before `role`'s loads: every other LLM, or the embedder's own old instance. */
function victimsFor(config: Config, role: RoleName, loaded: readonly LoadedModel[]): LoadedModel[] {
  const wanted = config.models[role].key;
  const embedderKey = config.models.embedder.key;
  return loaded.filter((m) =>
    role === "embedder" ? m.key === wanted : m.type === "llm" && m.key !== embedderKey
  );
}

async function unloadModel(m: Manager, id: string): Promise<void> {
  const started = m.clock.now();
  noteServerChange();
  await m.backend.unload(id);
  const seconds = (m.clock.now() - started) / 1000;
  m.stats.unloads++;
  m.stats.unloadSeconds += seconds;
  m.emit({ type: "model.unload", model: id, seconds });
}

/** Unloads `victims`, then waits in the memory gate until `role`'s model fits. */
async function makeRoom(
  m: Manager,
  role: RoleName,
  victims: readonly LoadedModel[],
  signal?: AbortSignal,
): Promise<void> {
  const before = m.probe ? await m.probe.read() : undefined;
  let freed = 0;
  for (const victim of victims) {
    await unloadModel(m, victim.id);
    freed += sizeOf(m.config, victim);
  }
  if (!before || !m.probe || !victims.length) return;
  const gate = await runMemoryGate({
    before,
    freedBytes: freed,
    needBytes: m.config.models[role].size_bytes,
    settings: m.config.memory_gate,
    probe: m.probe,
    clock: m.clock,
    signal,
    onWait: (p) => m.emit({ type: "memory.wait", ...p }),
  });
  m.stats.gateSeconds += gate.seconds;
  m.emit({ type: "memory.gate", reason: gate.reason, seconds: gate.seconds, freedBytes: freed });
}

/** Loads `role`'s model, waits until it is listed, and counts the load (a swap if an LLM left). */
async function loadRole(
  m: Manager,
  role: RoleName,
  victims: readonly LoadedModel[],
  signal?: AbortSignal,
): Promise<void> {
  const wanted = m.config.models[role];
  const started = m.clock.now();
  noteServerChange();
  await loadWithFallback(m.backend, wanted.key, wanted.context_length);
  await waitUntilLoaded(m.backend, m.clock, m.config.orchestration, wanted.key, signal);
  m.resident.remember([{ key: wanted.key, contextLength: wanted.context_length }]);
  const seconds = (m.clock.now() - started) / 1000;
  const swap = victims.some((v) => v.type === "llm");
  m.stats.loads++;
  m.stats.loadSeconds += seconds;
  if (swap) m.stats.swaps++;
  m.emit({ type: "model.load", role, model: wanted.key, seconds, swap });
}

async function ensureLoaded(m: Manager, role: RoleName, signal?: AbortSignal): Promise<string> {
  const wanted = m.config.models[role];
  if (!m.backend.canLoad) return wanted.key;
  if (signal?.aborted) throw new InterruptedError();
  if (m.resident.trusted(wanted.key, wanted.context_length)) return wanted.key;
  const loaded = loadedOf(await m.backend.list());
  // The listing can show the server cannot load (llama.cpp single-model): it serves as is.
  if (!m.backend.canLoad) return wanted.key;
  const ready = loaded.find((l) =>
    l.key === wanted.key && (l.contextLength ?? Infinity) >= wanted.context_length
  );
  if (ready) {
    m.resident.remember(loaded);
    return wanted.key;
  }
  const victims = victimsFor(m.config, role, loaded);
  await makeRoom(m, role, victims, signal);
  await loadRole(m, role, victims, signal);
  return wanted.key;
}

async function contextLength(m: Manager, role: RoleName): Promise<number | undefined> {
  const key = m.config.models[role].key;
  const models = await m.backend.list();
  const model = models.find((x) => x.key === key) ??
    (m.backend.servesAnyKey ? models.find((x) => x.type === "llm") : undefined);
  if (!model) return undefined;
  const loadedCtx = model.instances.map((i) => i.contextLength)
    .filter((n): n is number => n !== undefined);
  if (!m.backend.setsContext && loadedCtx.length) return Math.max(...loadedCtx);
  return model.maxContextLength ?? await m.backend.contextOf?.(model.key);
}

/** Creates the manager. */
export function createModelManager(config: Config, deps: ManagerDeps): ModelManager {
  const clock = deps.clock ?? realClock;
  const m: Manager = {
    config,
    backend: deps.backend,
    probe: deps.probe,
    clock,
    emit: deps.emit ?? (() => {}),
    stats: emptyStats(),
    resident: new ResidentMemory(clock),
  };
  return {
    health: () => backendHealth(m.backend, m.clock),
    listModels: () => m.backend.list(),
    loaded: async () => loadedOf(await m.backend.list()),
    ensureLoaded: (role, signal) => ensureLoaded(m, role, signal),
    contextLength: (role) => contextLength(m, role),
    unload: (id) => unloadModel(m, id),
    stats: () => ({ ...m.stats }),
  };
}
