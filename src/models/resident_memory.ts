/**
 * What a model manager saw resident on its server, and how long it may trust
 * that without listing the server again.
 *
 * @module
 */
import type { GateClock } from "./memory/gate.ts";

/**
 * Loads and unloads any manager of this process did. A manager trusts the
 * models it saw resident only while this count is unchanged (the Pilot's and
 * the pipeline's managers share a server); a miss lists the server again.
 */
let serverChanges = 0;

/** Records that a manager of this process is about to load or unload a model. */
export function noteServerChange(): void {
  serverChanges++;
}

/**
 * How long (ms) a manager trusts what it saw without asking again: back-to-back
 * calls skip the listing; after a longer gap another process (a second LAO,
 * the server's idle unload, a person at the server) may have changed it.
 */
export const RESIDENT_TRUST_MS = 2000;

/** What a manager saw resident: trusted while no manager changed the server and not for long. */
export class ResidentMemory {
  #resident = new Map<string, number>();
  #seenAt = -1;
  #seenTime = -Infinity;

  /** Reads time from `clock`. */
  constructor(private readonly clock: GateClock) {}

  /** Remembers `models` as what is resident now. */
  remember(models: ReadonlyArray<{ key: string; contextLength?: number }>): void {
    this.#resident = new Map(models.map((m) => [m.key, m.contextLength ?? Infinity]));
    this.#seenAt = serverChanges;
    this.#seenTime = this.clock.now();
  }

  /** True when `key` was seen resident with at least `contextLength` and that is still fresh. */
  trusted(key: string, contextLength: number): boolean {
    if (this.#seenAt !== serverChanges) return false;
    if (this.clock.now() - this.#seenTime > RESIDENT_TRUST_MS) return false;
    return (this.#resident.get(key) ?? -1) >= contextLength;
  }
}
