/**
 * `lao health`: server reachability, backend, role keys (with the closest
 * available key as a suggestion), loaded models, memory. JSON-serialisable.
 *
 * @module
 */
import { closest } from "../config/suggest.ts";
import { type Config, type RoleName, ROLES } from "../config/schema.ts";
import type { MemoryProbe, MemoryReading } from "./memory/probe.ts";
import type { HealthInfo, LoadedModel, ModelManager } from "./types.ts";

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
  /** False for roles LAO can run without (see {@linkcode OPTIONAL_ROLES}). */
  required: boolean;
  /** Closest available key when missing. */
  suggestion?: string;
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

/** Checks everything `lao run` needs; never loads a model. */
export async function checkHealth(config: Config, deps: HealthDeps): Promise<HealthReport> {
  const url = config.lm_studio_base_url;
  const server = await deps.manager.health();
  const memory = await deps.probe?.read().catch(() => undefined);
  const base = { url, server, ...(memory ? { memory } : {}) };
  if (!server.reachable) {
    return {
      ok: false,
      ...base,
      roles: [],
      loaded: [],
      hints: [
        `Cannot reach the model server at ${url}: start LM Studio's server (lms server start) or set lm_studio_base_url`,
      ],
    };
  }
  const models = await deps.manager.listModels();
  const keys = models.map((m) => m.key);
  const roles = ROLES.map((role): RoleCheck => {
    const key = config.models[role].key;
    const present = keys.includes(key);
    const suggestion = present ? undefined : closestKey(key, keys);
    const required = !(role in OPTIONAL_ROLES);
    return { role, key, present, required, ...(suggestion ? { suggestion } : {}) };
  });
  const missing = roles.filter((r) => !r.present);
  const hints = missing.map((r) =>
    `Model "${r.key}" for ${r.role} is not on the server: ${
      r.suggestion ? `did you mean "${r.suggestion}"? ` : ""
    }download it or set models.${r.role}.key${
      r.required ? "" : ` (optional: ${OPTIONAL_ROLES[r.role as keyof typeof OPTIONAL_ROLES]})`
    }`
  );
  // Required problems first: the first hint is the one a refusing command prints.
  hints.sort((a, b) => Number(a.includes("(optional:")) - Number(b.includes("(optional:")));
  return {
    ok: missing.every((r) => !r.required),
    ...base,
    roles,
    loaded: await deps.manager.loaded(),
    hints,
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
      ? `Server   ${report.url}  ok (${s.kind}${s.version ? ` ${s.version}` : ""}, ${
        Math.round(s.latencyMs)
      } ms)`
      : `Server   ${report.url}  unreachable${s.error ? `: ${s.error}` : ""}`,
  ];
  for (const r of report.roles) {
    lines.push(
      `${r.role.padEnd(8)} ${r.key}  ${
        r.present ? "present" : r.required ? "MISSING" : "missing (optional)"
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
  for (const hint of report.hints) lines.push(`Fix: ${hint}`);
  lines.push(report.ok ? "Healthy" : "Not healthy");
  return lines.join("\n");
}
