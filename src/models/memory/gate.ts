/**
 * The memory gate: after unloading models, wait until the memory they held
 * is back (or the next model already fits), swap grows too much, or a
 * timeout passes. Clock and sleep are injected, so tests never wait.
 *
 * @module
 */
import type { Config } from "../../config/schema.ts";
import { InterruptedError } from "../../errors.ts";
import type { MemoryProbe, MemoryReading } from "./probe.ts";

/** Why the gate opened. */
export type GateReason = "released" | "swap_growth" | "timeout" | "nothing_freed";

/** The gate's outcome. */
export interface GateResult {
  /** Why it opened. */
  reason: GateReason;
  /** Seconds spent waiting. */
  seconds: number;
  /** Polls taken. */
  polls: number;
}

/** Clock port. */
export interface GateClock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Sleeps `ms`; rejects with `InterruptedError` on abort. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Inputs of {@linkcode runMemoryGate}. */
export interface GateInput {
  /** Reading taken before the unload. */
  before: MemoryReading;
  /** Bytes the unloaded models held (from config `size_bytes` or the server). */
  freedBytes: number;
  /** Bytes the next model needs; if this much is already available, the gate opens. */
  needBytes?: number;
  /** Settings (`memory_gate` of the config). */
  settings: Config["memory_gate"];
  /** Memory probe. */
  probe: MemoryProbe;
  /** Clock and sleep. */
  clock: GateClock;
  /** Aborts the wait. */
  signal?: AbortSignal;
  /** Told after every poll that did not open the gate, so a long wait is visible. */
  onWait?: (progress: GateProgress) => void;
}

/** Where a wait stands after one poll. */
export interface GateProgress {
  /** Memory available now. */
  availableBytes: number;
  /** What the gate waits for. */
  targetBytes: number;
  /** Seconds waited so far. */
  seconds: number;
}

/** Headroom required on top of `needBytes` (1 GiB). */
export const GATE_HEADROOM_BYTES = 1024 ** 3;

/**
 * Waits until `release_fraction` of the freed memory is available again, or
 * the next model already fits with {@linkcode GATE_HEADROOM_BYTES} to spare,
 * or swap grew past `swap_growth_limit_mb`, or `settle_timeout_s` passed.
 */
export async function runMemoryGate(input: GateInput): Promise<GateResult> {
  const { before, settings, clock, probe } = input;
  const started = clock.now();
  const seconds = () => (clock.now() - started) / 1000;
  if (input.freedBytes <= 0) return { reason: "nothing_freed", seconds: 0, polls: 0 };
  const target = before.availableBytes + input.freedBytes * settings.release_fraction;
  const swapLimit = settings.swap_growth_limit_mb * 1024 * 1024;
  for (let polls = 1;; polls++) {
    if (input.signal?.aborted) throw new InterruptedError();
    const now = await probe.read();
    const fitsAlready = input.needBytes !== undefined &&
      now.availableBytes >= input.needBytes + GATE_HEADROOM_BYTES;
    // macOS: while the kernel reports critical pressure, freed pages are not really back.
    const critical = now.pressure !== undefined && now.pressure >= 4;
    if ((now.availableBytes >= target || fitsAlready) && !critical) {
      return { reason: "released", seconds: seconds(), polls };
    }
    if (now.swapUsedBytes - before.swapUsedBytes > swapLimit) {
      return { reason: "swap_growth", seconds: seconds(), polls };
    }
    if (seconds() >= settings.settle_timeout_s) {
      return { reason: "timeout", seconds: seconds(), polls };
    }
    input.onWait?.({ availableBytes: now.availableBytes, targetBytes: target, seconds: seconds() });
    const left = settings.settle_timeout_s * 1000 - (clock.now() - started);
    await clock.sleep(Math.min(settings.poll_interval_s * 1000, Math.max(0, left)), input.signal);
  }
}
