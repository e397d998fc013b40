/**
 * The model manager port and the per-server backend port beneath it.
 *
 * @module
 */
import type { RoleName } from "../config/schema.ts";

/** Server kinds LAO can drive. */
export type ServerKind = "lmstudio" | "ollama" | "llamacpp" | "openai";

/** A loaded instance of a model. */
export interface ModelInstance {
  /** Instance id (what to unload; LM Studio `instance_id`). */
  id: string;
  /** Loaded context length, if the server reports it. */
  contextLength?: number;
}

/** A model the server can serve. */
export interface ModelInfo {
  /** Model key. */
  key: string;
  /** LLM or embedding model (`llm` when the server does not say). */
  type: "llm" | "embedding";
  /** Size in bytes, if known. */
  sizeBytes?: number;
  /** Largest supported context, if known. */
  maxContextLength?: number;
  /** Loaded instances (empty when not loaded). */
  instances: ModelInstance[];
}

/** A loaded model, flattened. */
export interface LoadedModel {
  /** Instance id. */
  id: string;
  /** Model key. */
  key: string;
  /** Type. */
  type: "llm" | "embedding";
  /** Loaded context length, if known. */
  contextLength?: number;
  /** Size in bytes, if known. */
  sizeBytes?: number;
}

/** Result of a health probe (never loads anything). */
export interface HealthInfo {
  /** Whether the server answered. */
  reachable: boolean;
  /** Round-trip milliseconds of the probe. */
  latencyMs: number;
  /** Backend kind; null when LAO could not tell (the server did not answer). */
  kind: ServerKind | null;
  /** Why `kind` is null. */
  kindReason?: string;
  /** Server version, if it says. */
  version?: string;
  /** Mode of the server when it has several (llama.cpp `single-model`/`router`, `vLLM`). */
  variant?: string;
  /** True when the server answered but refused the API key (401/403). */
  authFailed?: boolean;
  /** Why it is unreachable (or what it refused). */
  error?: string;
}

/** Counters for the quality report. */
export interface ManagerStats {
  /** Loads performed. */
  loads: number;
  /** Unloads performed. */
  unloads: number;
  /** Loads that replaced another resident model. */
  swaps: number;
  /** Seconds spent loading. */
  loadSeconds: number;
  /** Seconds spent unloading. */
  unloadSeconds: number;
  /** Seconds spent in the memory gate. */
  gateSeconds: number;
}

/** Counters at zero. */
export function emptyStats(): ManagerStats {
  return { loads: 0, unloads: 0, swaps: 0, loadSeconds: 0, unloadSeconds: 0, gateSeconds: 0 };
}

/** Keeps the right model loaded for each role. */
export interface ModelManager {
  /** Probes the server. Never loads a model. */
  health(): Promise<HealthInfo>;
  /** Every model the server can serve. */
  listModels(): Promise<ModelInfo[]>;
  /** Loaded models (LLMs and embedders). */
  loaded(): Promise<LoadedModel[]>;
  /** Makes `role`'s model resident with enough context; returns the model id to send. */
  ensureLoaded(role: RoleName, signal?: AbortSignal): Promise<string>;
  /**
   * The most context the server gives `role`'s model: the loaded context where
   * the server fixes it (llama.cpp `n_ctx`, Ollama `/api/ps`, vLLM
   * `max_model_len`), the model's maximum where LAO's load sets it (LM
   * Studio); `undefined` when the server does not say. Never loads a model.
   */
  contextLength(role: RoleName): Promise<number | undefined>;
  /** Unloads an instance. */
  unload(id: string): Promise<void>;
  /** Counters. */
  stats(): ManagerStats;
}

/** One server's model-management protocol. */
export interface ModelBackend {
  /** Kind. */
  readonly kind: ServerKind;
  /**
   * False for servers without load control (ensureLoaded is then a no-op).
   * llama.cpp learns it from its first `list()`: a single-model server cannot load.
   */
  readonly canLoad: boolean;
  /** True when LAO's load sets the context (LM Studio); else the server fixed it. */
  readonly setsContext: boolean;
  /** True when one model answers whatever `model` a request names (`llama-server -m`). */
  readonly servesAnyKey?: boolean;
  /** Mode detail for `lao health` (known after `version()` or `list()`). */
  readonly variant?: string;
  /** The model's context when `list()` does not say (Ollama `/api/show`). */
  contextOf?(key: string): Promise<number | undefined>;
  /** Server version if it reports one; throws if unreachable. */
  version(): Promise<string | undefined>;
  /** Lists models with their instances. */
  list(): Promise<ModelInfo[]>;
  /** Loads `key` with `contextLength`. */
  load(key: string, contextLength: number): Promise<void>;
  /** Unloads an instance. */
  unload(id: string): Promise<void>;
  /** Loads by a 1-token chat (LM Studio JIT fallback), if supported. */
  jitLoad?(key: string): Promise<void>;
}

/** Flattens loaded instances of a model list. */
export function loadedOf(models: ModelInfo[]): LoadedModel[] {
  return models.flatMap((m) =>
    m.instances.map((i) => ({
      id: i.id,
      key: m.key,
      type: m.type,
      ...(i.contextLength !== undefined ? { contextLength: i.contextLength } : {}),
      ...(m.sizeBytes !== undefined ? { sizeBytes: m.sizeBytes } : {}),
    }))
  );
}
