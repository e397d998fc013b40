/**
 * `lao health`'s view of the `servers:` list: each server's kind, slots and
 * loaded models. Never loads a model.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import { errorMessage } from "../errors.ts";
import { backendFor } from "./detect.ts";
import { createModelManager } from "./manager.ts";
import { resolveServers, serverConfig, serverSlots, type ServerSpec } from "./servers.ts";

/** One server as `lao health` reports it. */
export interface ServerHealth {
  name: string;
  baseUrl: string;
  reachable: boolean;
  kind?: string;
  slots?: number;
  /** Keys of the loaded models. */
  loaded?: string[];
  roles: string[] | null;
  error?: string;
}

/** Probes one server: kind, slots, loaded models. */
export async function serverHealth(config: Config, server: ServerSpec): Promise<ServerHealth> {
  const base = { name: server.name, baseUrl: server.baseUrl, roles: server.roles };
  try {
    const seen = serverConfig(config, server);
    const backend = await backendFor(seen);
    const loaded = await createModelManager(seen, { backend }).loaded();
    return {
      ...base,
      reachable: true,
      kind: backend.kind,
      slots: await serverSlots(server),
      loaded: loaded.map((m) => m.key),
    };
  } catch (err) {
    return { ...base, reachable: false, error: errorMessage(err) };
  }
}

/** Every server of the configuration (`slots` as `--slots` would set them). */
export function serversHealth(config: Config, slots?: number): Promise<ServerHealth[]> {
  return Promise.all(resolveServers(config, slots).map((s) => serverHealth(config, s)));
}

/** One line per server. */
export function formatServers(list: ServerHealth[]): string[] {
  return list.map((s) => {
    const roles = s.roles ? `  roles ${s.roles.join(",")}` : "";
    if (!s.reachable) return `Server   ${s.name}  ${s.baseUrl}  unreachable: ${s.error}${roles}`;
    const loaded = s.loaded?.length ? s.loaded.join(", ") : "nothing";
    return `Server   ${s.name}  ${s.baseUrl}  ${s.kind}  ${s.slots} slot${
      s.slots === 1 ? "" : "s"
    }  loaded: ${loaded}${roles}`;
  });
}
