/**
 * Watches how much a workspace grows while one command runs (disk blocks in
 * use, measured with `du`), and calls back once past a cap so the command
 * can be stopped. The measuring interval adapts to how long `du` takes, so a
 * big workspace costs little.
 *
 * @module
 */

/** Disk use of `root` in bytes (blocks actually allocated), or undefined when unknown. */
export async function diskUsage(root: string): Promise<number | undefined> {
  try {
    const o = await new Deno.Command("sh", {
      args: ["-c", 'exec du -skx -- "$1" 2>/dev/null', "sh", root],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    const kb = Number(new TextDecoder().decode(o.stdout).trim().split(/\s/)[0]);
    return Number.isFinite(kb) && kb >= 0 && o.stdout.length > 0 ? kb * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** A running watch; {@linkcode GrowthWatch.stop} ends it. */
export class GrowthWatch {
  #stopped = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #current: Promise<void> = Promise.resolve();
  #exceeded = false;

  /**
   * Starts watching `root`: `baseline` is its use before the command, `cap`
   * the allowed growth; `onExceed` runs once when the growth passes `cap`.
   */
  constructor(
    private readonly root: string,
    private readonly baseline: number,
    private readonly cap: number,
    private readonly onExceed: () => void,
    private readonly minIntervalMs = 200,
  ) {
    this.#schedule(this.minIntervalMs);
  }

  /** True when the cap was passed. */
  get exceeded(): boolean {
    return this.#exceeded;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#current = this.#tick();
    }, ms);
  }

  async #tick(): Promise<void> {
    const started = performance.now();
    const used = await diskUsage(this.root);
    if (this.#stopped) return;
    if (used !== undefined && used - this.baseline > this.cap && !this.#exceeded) {
      this.#exceeded = true;
      this.onExceed();
      return;
    }
    const took = performance.now() - started;
    this.#schedule(Math.max(this.minIntervalMs, took * 4));
  }

  /** Stops watching (waits for a measurement in flight). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#current;
  }
}
