/**
 * `lao health`: server reachability, backend, role keys (with the closest
 * available key as a suggestion), loaded models, memory. JSON-serialisable.
 *
 * @module
 */
import { closest } from "../config/suggest.ts";
import { type Config, type RoleName, ROLES } from "../config/schema.ts";
import { isAuthFailure } from "./detect.ts";
import { type ContextClamp, contextWarning } from "./server_context.ts";
import type { MemoryProbe, MemoryReading } from "./memory/probe.ts";
import type { HealthInfo, LoadedModel, ModelInfo, ModelManager } from "./types.ts";

/** Roles LAO can run without, and what happens instead. */
export const OPTIONAL_ROLES = {
  embedder: "file retrieval falls back to keyword (BM25) ranking",
  pilot: "only the Pilot chat needs it",
} as const;

/** One role's model check. */
export interface RoleCheck {
  /** Role. */
  role: RoleName;
  /** Configured key. */
  key: string;
  /** Whether the server has it. */
  present: boolean;
  /** False when the server could not be asked (unreachable, or it refused the API key). */
  checked?: boolean;
  /** False for roles LAO can run without (see {@linkcode OPTIONAL_ROLES}). */
  required: boolean;
  /** Closest available key when missing. */
  suggestion?: string;
  /** The model that answers for this key when the server serves one model for all (llama.cpp `-m`). */
  servedBy?: string;
  /** The context the server gives this model, when it says. */
  serverContext?: number;
  /** The context LAO budgets with: min(config, server). */
  effectiveContext?: number;
}

/** The health report (`lao health --json` prints it as is). */
export interface HealthReport {
  /** True only when everything needed to run is present. */
  ok: boolean;
  /** Server root. */
  url: string;
  /** Server probe. */
  server: HealthInfo;
  /** Role checks. */
  roles: RoleCheck[];
  /** Loaded models. */
  loaded: LoadedModel[];
  /** Memory now, when a probe is available. */
  memory?: MemoryReading;
  /** One-line fixes. */
  hints: string[];
  /** Things that work but not as configured (e.g. less context than the config claims). */
  warnings?: string[];
}

/** How to start the server of `kind` (for "cannot reach" hints). */
export function startHint(kind: Config["server"]["kind"]): string {
  switch (kind) {
    case "lmstudio":
      return "start LM Studio's server (lms server start)";
    case "ollama":
      return "start Ollama (ollama serve)";
    case "llamacpp":
      return "start llama-server (llama-server -m MODEL.gguf --port PORT)";
    case "openai":
      return "start the model server";
    case "auto":
      return "start it (LM Studio: lms server start; Ollama: ollama serve; llama.cpp: llama-server -m MODEL.gguf)";
  }
}

/** Every role's configured key, marked as not checked (the server could not be asked). */
export function uncheckedRoles(config: Config): RoleCheck[] {
  return ROLES.map((role) => ({
    role,
    key: config.models[role].key,
    present: false,
    checked: false,
    required: !(role in OPTIONAL_ROLES),
  }));
}

/**
 * The hint for a server that did not answer. A URL ending in `/v1` is the
 * usual cause when the server runs: LAO adds `/v1` itself.
 */
export function unreachableHint(url: string, kind: Config["server"]["kind"]): string {
  if (/\/v1\/?$/.test(url)) {
    return `Cannot reach the model server at ${url}: lm_studio_base_url is the server's root and LAO adds /v1 itself; set it to ${
      url.replace(/\/v1\/?$/, "")
    }`;
  }
  return `Cannot reach the model server at ${url}: ${startHint(kind)} or set lm_studio_base_url`;
}

/** The hint for a server that refused the API key. */
export function authHint(url: string, detail: string): string {
  return `The model server at ${url} refused the API key (${detail}): check openai_api_key in factory.yaml (or OPENAI_API_KEY, or models.<role>.api_key)`;
}

function authDetail(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err ?? "");
  return `HTTP ${/\b403\b/.test(text) ? 403 : 401}`;
}

/** The available key closest to `key`, if any is reasonably close. */
export function closestKey(key: string, available: string[]): string | undefined {
  // Model keys are long and versioned: allow more slack than config keys.
  return closest(key, available, (word) => Math.max(3, word.length / 2));
}

/** Dependencies of {@linkcode checkHealth}. */
export interface HealthDeps {
  /** Manager for the configured server. */
  manager: ModelManager;
  /** Memory probe (optional). */
  probe?: MemoryProbe;
}

/** The report when the server refused the API key. */
function refusedReport(
  base: Pick<HealthReport, "url" | "server" | "memory">,
  detail: string,
): HealthReport {
  return {
    ok: false,
    ...base,
    server: { ...base.server, reachable: true, authFailed: true },
    roles: [],
    loaded: [],
    hints: [authHint(base.url, detail)],
  };
}

/** One role's check against the server's `keys` (`single`: the one model a single-model server serves). */
async function checkRole(
  config: Config,
  manager: ModelManager,
  role: RoleName,
  keys: readonly string[],
  single: ModelInfo | undefined,
): Promise<RoleCheck> {
  const key = config.models[role].key;
  const servedBy = !keys.includes(key) && single && role !== "embedder" ? single.key : undefined;
  const present = keys.includes(key) || servedBy !== undefined;
  const suggestion = present ? undefined : closestKey(key, [...keys]);
  const serverContext = present
    ? await manager.contextLength(role).catch(() => undefined)
    : undefined;
  const configured = config.models[role].context_length;
  return {
    role,
    key,
    present,
    required: !(role in OPTIONAL_ROLES),
    ...(suggestion ? { suggestion } : {}),
    ...(servedBy ? { servedBy } : {}),
    ...(serverContext !== undefined
      ? { serverContext, effectiveContext: Math.min(configured, serverContext) }
      : {}),
  };
}

/** The required roles whose server gives less context than configured. */
function contextClamps(config: Config, roles: readonly RoleCheck[]): ContextClamp[] {
  const clamps: ContextClamp[] = [];
  for (const r of roles) {
    const configured = config.models[r.role].context_length;
    if (r.serverContext !== undefined && r.serverContext < configured && r.required) {
      clamps.push({ role: r.role, configured, server: r.serverContext });
    }
  }
  return clamps;
}

/** One fix per missing model, required ones first (the first is the one a refusing command prints). */
function missingModelHints(roles: readonly RoleCheck[]): string[] {
  const hints = roles.filter((r) => !r.present).map((r) =>
    `Model "${r.key}" for ${r.role} is not on the server: ${
      r.suggestion ? `did you mean "${r.suggestion}"? ` : ""
    }download it or set models.${r.role}.key${
      r.required ? "" : ` (optional: ${OPTIONAL_ROLES[r.role as keyof typeof OPTIONAL_ROLES]})`
    }`
  );
  hints.sort((a, b) => Number(a.includes("(optional:")) - Number(b.includes("(optional:")));
  return hints;
}

/** Checks everything `lao run` needs; never loads a model. */
export async function checkHealth(config: Config, deps: HealthDeps): Promise<HealthReport> {
  const url = config.lm_studio_base_url;
  const server = await deps.manager.health();
  const memory = await deps.probe?.read().catch(() => undefined);
  const base = { url, server, ...(memory ? { memory } : {}) };
  if (server.authFailed) return refusedReport(base, authDetail(server.error));
  if (!server.reachable) {
    const kind = config.server.kind === "auto" ? server.kind ?? "auto" : config.server.kind;
    return {
      ok: false,
      ...base,
      roles: uncheckedRoles(config),
      loaded: [],
      hints: [unreachableHint(url, kind)],
    };
  }
  let models;
  try {
    models = await deps.manager.listModels();
  } catch (err) {
    if (isAuthFailure(err)) return refusedReport(base, authDetail(err));
    throw err;
  }
  const keys = models.map((m) => m.key);
  const single = server.variant === "single-model"
    ? models.find((m) => m.type === "llm")
    : undefined;
  const roles: RoleCheck[] = [];
  for (const role of ROLES) roles.push(await checkRole(config, deps.manager, role, keys, single));
  const warning = contextWarning(contextClamps(config, roles));
  return {
    ok: roles.every((r) => r.present || !r.required),
    ...base,
    roles,
    loaded: await deps.manager.loaded(),
    hints: missingModelHints(roles),
    ...(warning ? { warnings: [warning] } : {}),
  };
}

function gb(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

/** Renders the report for a terminal. */
export function formatHealth(report: HealthReport): string {
  const s = report.server;
  const lines = [
    s.reachable
      ? s.authFailed
        ? `Server   ${report.url}  refused the API key`
        : `Server   ${report.url}  ok (${s.kind ?? "unknown kind"}${
          s.variant ? ` ${s.variant}` : ""
        }${s.version ? ` ${s.version}` : ""}, ${Math.round(s.latencyMs)} ms)`
      : `Server   ${report.url}  unreachable${s.error ? `: ${s.error}` : ""}`,
  ];
  for (const r of report.roles) {
    lines.push(
      `${r.role.padEnd(8)} ${r.key}  ${
        r.checked === false
          ? "not checked (no answer from the server)"
          : r.present
          ? "present"
          : r.required
          ? "MISSING"
          : "missing (optional)"
      }${r.servedBy ? ` (served by ${r.servedBy})` : ""}${
        r.serverContext !== undefined ? `  ctx ${r.serverContext}` : ""
      }${r.suggestion ? ` (closest: ${r.suggestion})` : ""}`,
    );
  }
  for (const m of report.loaded) {
    lines.push(`Loaded   ${m.id}${m.contextLength ? `  ctx ${m.contextLength}` : ""}`);
  }
  if (report.memory) {
    lines.push(
      `Memory   ${gb(report.memory.availableBytes)} available, ${
        gb(report.memory.swapUsedBytes)
      } swap used`,
    );
  }
  for (const warning of report.warnings ?? []) lines.push(`Warning: ${warning}`);
  return lines.join("\n");
}

/**
 * The verdict line, printed after every check (server, models, memory,
 * sandbox). The fixes are not part of it: they go to stderr, once each.
 */
export function healthVerdict(report: HealthReport): string {
  return report.ok ? "Healthy" : "Not healthy";
}
