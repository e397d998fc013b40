/**
 * Which memory probe gates a listed server's model loads: this machine's for
 * a server on loopback, none for a server on another host.
 *
 * @module
 */
import type { LaoEvent } from "../events/types.ts";
import { isLoopbackUrl } from "../models/memory/loopback.ts";
import { defaultMemoryProbe, type MemoryProbe } from "../models/memory/probe.ts";
import type { ServerSpec } from "../models/servers.ts";

/**
 * The memory probe of a server's gate: this machine's (`local`) for a server
 * on loopback; none for a server on another host, whose memory LAO cannot
 * see (its loads are not gated on memory; one info line says so).
 */
export async function laneMemoryProbe(
  spec: Pick<ServerSpec, "name" | "baseUrl">,
  emit: (event: LaoEvent) => void,
  local: () => Promise<MemoryProbe> = defaultMemoryProbe,
): Promise<MemoryProbe | undefined> {
  if (isLoopbackUrl(spec.baseUrl)) return await local();
  emit({
    type: "log",
    level: "info",
    source: "models",
    message: `Server ${spec.name} (${spec.baseUrl}) runs on another host: its memory is not ` +
      "visible to LAO, so its model loads do not wait for memory",
  });
  return undefined;
}
