/**
 * The servers of a run (issue 16): `servers:` from `factory.yaml`, or the one
 * server LAO always had (`lm_studio_base_url`, one slot). Each server gets its
 * own view of the configuration (its URL, key and kind) so that its model
 * manager, memory gate and clients talk to it alone.
 *
 * @module
 */
import type { Config, RoleName } from "../config/schema.ts";
import { UserError } from "../errors.ts";
import { num, record, requestJson, type ServerEndpoint } from "./http.ts";

/** One server of a run, resolved. */
export interface ServerSpec {
  /** Name in events, the dashboard and `lao health`. */
  name: string;
  /** Server root without `/v1`. */
  baseUrl: string;
  /** Backend kind (`auto` probes). */
  kind: Config["server"]["kind"];
  /** Bearer key. */
  apiKey: string;
  /** Concurrent requests, or `auto` (read from the server, else 1). */
  slots: number | "auto";
  /** Roles served; null: all. */
  roles: RoleName[] | null;
  /** True for the server made from `lm_studio_base_url` (no `servers:` list). */
  implicit: boolean;
}

/** Name of the server made from `lm_studio_base_url`. */
export const DEFAULT_SERVER_NAME = "default";

/**
 * The run's servers. Without `servers:` one implicit server with one slot
 * (today's behaviour); `slotsOverride` (`--slots N`) sets every server's slots.
 */
export function resolveServers(config: Config, slotsOverride?: number): ServerSpec[] {
  const specs: ServerSpec[] = config.servers.length === 0
    ? [{
      name: DEFAULT_SERVER_NAME,
      baseUrl: config.lm_studio_base_url,
      kind: config.server.kind,
      apiKey: config.openai_api_key,
      slots: 1,
      roles: null,
      implicit: true,
    }]
    : config.servers.map((s) => ({
      name: s.name,
      baseUrl: s.base_url,
      kind: s.kind,
      apiKey: s.api_key ?? config.openai_api_key,
      slots: s.slots,
      roles: s.roles ? [...s.roles] : null,
      implicit: false,
    }));
  return slotsOverride === undefined ? specs : specs.map((s) => ({ ...s, slots: slotsOverride }));
}

/** True when `server` serves `role`. */
export function servesRole(server: Pick<ServerSpec, "roles">, role: RoleName): boolean {
  return server.roles === null || server.roles.includes(role);
}

/**
 * The configuration as one server sees it: its URL, key and kind. The
 * implicit server sees the configuration unchanged (per-role `base_url`
 * included); a listed server drops per-role URLs and keys, which would
 * otherwise send its requests elsewhere.
 */
export function serverConfig(config: Config, server: ServerSpec): Config {
  if (server.implicit) return config;
  const models = Object.fromEntries(
    Object.entries(config.models).map((
      [role, m],
    ) => [role, { ...m, base_url: null, api_key: null }]),
  ) as Config["models"];
  return {
    ...config,
    lm_studio_base_url: server.baseUrl,
    openai_api_key: server.apiKey,
    server: { kind: server.kind },
    models,
  };
}

/** The endpoint of a server. */
export function serverEndpoint(server: ServerSpec, fetchFn?: typeof fetch): ServerEndpoint {
  return { root: server.baseUrl, apiKey: server.apiKey, ...(fetchFn ? { fetch: fetchFn } : {}) };
}

/** llama.cpp `/props` `total_slots`, or undefined when the server does not say. */
export async function reportedSlots(endpoint: ServerEndpoint): Promise<number | undefined> {
  try {
    const props = record(await requestJson(endpoint, "GET", "/props", { timeoutMs: 5000 }));
    const slots = num(props.total_slots);
    return slots !== undefined && Number.isInteger(slots) && slots >= 1 ? slots : undefined;
  } catch {
    return undefined; // not llama.cpp, or an older build: the configured value (default 1) holds
  }
}

/** The slots a server has: configured, else reported (`auto`), else 1. */
export async function serverSlots(server: ServerSpec, fetchFn?: typeof fetch): Promise<number> {
  if (server.slots !== "auto") return server.slots;
  return await reportedSlots(serverEndpoint(server, fetchFn)) ?? 1;
}

/** Reads `--slots N` (a whole number 1-256); undefined when absent. */
export function slotsFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new UserError(`flag --slots: expected a whole number from 1 to 256, got "${value}"`);
  }
  return n;
}
