/**
 * The main loop's waiting rules, as pure functions: how long a model-server
 * outage pauses the run, when a single run gives up on one, and what the loop
 * does once a pass is over (go on now, wait out a rework cooldown, watch the
 * plans folder, or stop).
 *
 * @module
 */

/**
 * Pause after the `pauses`-th outage in a row: `baseS` (default 2 s,
 * `orchestration.outage_pause_base_s`), doubling, at most 60 s.
 */
export function infraPauseMs(pauses: number, baseS = 2): number {
  return Math.min(60_000, baseS * 1000 * 2 ** (pauses - 1));
}

/** True when a single run stops after `pauses` outages in a row (more than `max`, default 6). */
export function givesUp(singleRun: boolean, pauses: number, max = 6): boolean {
  return singleRun && pauses > max;
}

/** What the loop does after a pass without an outage. */
export type NextStep =
  | { kind: "now" }
  | { kind: "done" }
  /** Single run: only cooldowns remain; wait `waitMs`, then go on. */
  | { kind: "cooldown"; waitMs: number }
  /** Watching run: wait for a plan change (or the next cooldown end) at most `waitMs`. */
  | { kind: "watch"; waitMs: number };

/**
 * The next step from the work left: `"now"` when a task or plan can move
 * now, the end of the next cooldown when only cooldowns remain, null when
 * nothing is left. A watching run wakes 5 ms after a cooldown ends, at least
 * every 100 ms and at most every `plan_watch_interval_s`.
 */
export function nextStep(
  remaining: "now" | Date | null,
  o: { singleRun: boolean; nowMs: number; watchIntervalS: number },
): NextStep {
  if (remaining === "now") return { kind: "now" };
  if (o.singleRun) {
    return remaining instanceof Date
      ? { kind: "cooldown", waitMs: Math.max(0, remaining.getTime() - o.nowMs) }
      : { kind: "done" };
  }
  const interval = o.watchIntervalS * 1000;
  const waitMs = remaining instanceof Date
    ? Math.max(100, Math.min(remaining.getTime() - o.nowMs + 5, interval))
    : interval;
  return { kind: "watch", waitMs };
}
