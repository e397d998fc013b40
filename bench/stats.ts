/**
 * Repetition and summary statistics for the bench: every figure is the
 * median of its runs, with the fastest and slowest run next to it.
 *
 * @module
 */

/** Median, min and max of one figure's runs. */
export interface Stat {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** Summarises `samples` (at least one). */
export function stat(samples: number[]): Stat {
  if (samples.length === 0) throw new Error("stat: no samples");
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, runs: s.length };
}

/** A stat divided by a baseline's median (min and max divided by the same median). */
export function ratio(value: Stat, baseline: Stat): Stat {
  const b = baseline.median || Number.MIN_VALUE;
  return { median: value.median / b, min: value.min / b, max: value.max / b, runs: value.runs };
}

/** Times `fn` `runs` times (after `warmup` untimed calls); milliseconds per call. */
export async function timeRuns(
  runs: number,
  fn: () => unknown | Promise<unknown>,
  warmup = 1,
): Promise<Stat> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return stat(samples);
}

/** Runs `fn` `runs` times and summarises each numeric field it returns. */
export async function collect<K extends string>(
  runs: number,
  fn: (run: number) => Promise<Record<K, number>>,
): Promise<Record<K, Stat>> {
  const samples = new Map<K, number[]>();
  for (let i = 0; i < runs; i++) {
    const r = await fn(i);
    for (const [k, v] of Object.entries(r) as [K, number][]) {
      samples.set(k, [...(samples.get(k) ?? []), v]);
    }
  }
  return Object.fromEntries([...samples].map(([k, v]) => [k, stat(v)])) as Record<K, Stat>;
}
