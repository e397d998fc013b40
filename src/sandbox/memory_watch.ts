/**
 * Watches a command's memory cgroup and calls back once the kernel has
 * killed a process at the memory cap, so the runner stops the whole command
 * (on cgroup v1 the kernel kills one process and the rest would go on; on v2
 * `memory.oom.group` already ends them all). The interval starts short and
 * grows, so a long command costs little.
 *
 * @module
 */
import { type CommandCgroup, memoryKills } from "./cgroup.ts";

/** A running watch; {@linkcode MemoryWatch.stop} ends it. */
export class MemoryWatch {
  #stopped = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #current: Promise<void> = Promise.resolve();
  #killed = false;
  #interval: number;

  /** Starts watching `cgroup`; `onKill` runs once after the first kill at the cap. */
  constructor(
    private readonly cgroup: CommandCgroup,
    private readonly onKill: () => void,
    minIntervalMs = 100,
    private readonly maxIntervalMs = 1000,
  ) {
    this.#interval = minIntervalMs;
    this.#schedule();
  }

  /** True when the kernel killed a process at the memory cap while watched. */
  get killed(): boolean {
    return this.#killed;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#current = this.#tick();
    }, this.#interval);
  }

  async #tick(): Promise<void> {
    const kills = await memoryKills(this.cgroup);
    if (this.#stopped) return;
    if (kills > 0) {
      this.#killed = true;
      this.onKill();
      return;
    }
    this.#interval = Math.min(this.maxIntervalMs, this.#interval * 2);
    this.#schedule();
  }

  /** Stops watching (waits for a measurement in flight). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#current;
  }
}
