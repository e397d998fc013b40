/**
 * The bench's results document (`bench/results.json`, schema in
 * `bench/README.md`), its table, and `--compare`: every figure is "lower is
 * better", so a comparison is one ratio per figure against a tolerance.
 *
 * @module
 */
import { ratio, type Stat } from "./stats.ts";

/** The baselines measured in the same invocation. */
export type BaselineName = "deno_start_ms" | "bare_request_ms" | "token_count_ms";

/** How a figure varies between runs: counts are deterministic, times are noisy. */
export type FigureKind = "count" | "time";

/** One measured figure. */
export interface Figure {
  /** One line: what was measured. */
  label: string;
  /** Unit of `value` (ms, tokens, loads, calls, share, MB). */
  unit: string;
  kind: FigureKind;
  value: Stat;
  /** The baseline `ratio` divides by. */
  baseline?: BaselineName;
  ratio?: Stat;
  /** Acceptance limit on the median of `value` (or of `ratio` when `on` is "ratio"). */
  limit?: { max: number; on: "value" | "ratio" };
}

/** The whole document. */
export interface BenchResults {
  schema: 1;
  /** ISO date of the run. */
  date: string;
  mode: "full" | "ci";
  /** Runs per figure. */
  runs: number;
  machine: { os: string; arch: string; cpus: number; deno: string; v8: string };
  baselines: Record<BaselineName, Stat & { label: string }>;
  figures: Record<string, Figure>;
}

/** Builds a figure; with `baseline`, also its ratio to that baseline. */
export function figure(
  baselines: BenchResults["baselines"],
  label: string,
  unit: string,
  kind: FigureKind,
  value: Stat,
  opts: { baseline?: BaselineName; limit?: Figure["limit"] } = {},
): Figure {
  const f: Figure = { label, unit, kind, value };
  if (opts.baseline) {
    f.baseline = opts.baseline;
    f.ratio = ratio(value, baselines[opts.baseline]);
  }
  if (opts.limit) f.limit = opts.limit;
  return f;
}

/** True when a figure with a limit stays within it (no limit: true). */
export function withinLimit(f: Figure): boolean {
  if (!f.limit) return true;
  const v = f.limit.on === "ratio" ? f.ratio?.median : f.value.median;
  return v !== undefined && v <= f.limit.max;
}

function num(x: number): string {
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 0.01) return x.toFixed(2);
  return x.toExponential(1);
}

function pad(cells: string[][]): string[] {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd());
}

/** The results as a plain-text table: baselines first, then every figure. */
export function renderTable(r: BenchResults): string {
  const lines = [
    `LAO bench (${r.mode}, ${r.runs} runs each, median [min-max]) ${r.date}`,
    `machine: ${r.machine.os} ${r.machine.arch}, ${r.machine.cpus} cpus, deno ${r.machine.deno}`,
    "",
  ];
  const base = Object.entries(r.baselines).map(([k, b]) => [
    k,
    `${num(b.median)} [${num(b.min)}-${num(b.max)}]`,
    b.label,
  ]);
  lines.push(...pad([["baseline", "ms", "what"], ...base]), "");
  const rows = Object.entries(r.figures).map(([id, f]) => [
    id,
    `${num(f.value.median)} [${num(f.value.min)}-${num(f.value.max)}] ${f.unit}`,
    f.ratio ? `${num(f.ratio.median)}x ${f.baseline!.replace(/_ms$/, "")}` : "",
    f.limit
      ? `${withinLimit(f) ? "ok" : "MISS"} (<= ${num(f.limit.max)}${
        f.limit.on === "ratio" ? "x" : ` ${f.unit}`
      })`
      : "",
  ]);
  lines.push(...pad([["figure", "value", "ratio", "target"], ...rows]));
  return lines.join("\n");
}

/** Tolerances of `--compare`: allowed growth of a figure, as a fraction. */
export interface Tolerance {
  count: number;
  time: number;
}

/** Default tolerances: counts are deterministic (5%); times on a shared machine vary (50%). */
export const DEFAULT_TOLERANCE: Tolerance = { count: 0.05, time: 0.5 };

/** One compared figure. */
export interface ComparedFigure {
  id: string;
  old: number;
  new: number;
  /** new / old of the compared quantity (ratio to baseline for times, value for counts). */
  change: number;
  regressed: boolean;
}

/**
 * Compares the figures both documents hold. Times compare their ratio to the
 * baseline (so a slower machine does not count as a regression), counts their
 * value.
 */
export function compareResults(
  older: BenchResults,
  newer: BenchResults,
  tolerance: Tolerance = DEFAULT_TOLERANCE,
): ComparedFigure[] {
  const out: ComparedFigure[] = [];
  for (const [id, f] of Object.entries(newer.figures)) {
    const o = older.figures[id];
    if (!o) continue;
    const useRatio = f.kind === "time" && f.ratio && o.ratio;
    const a = useRatio ? o.ratio!.median : o.value.median;
    const b = useRatio ? f.ratio!.median : f.value.median;
    const change = a === 0 ? (b === 0 ? 1 : Infinity) : b / a;
    const allowed = f.kind === "count" ? tolerance.count : tolerance.time;
    // Tiny absolute times (sub-millisecond) jitter by more than any fraction: 0.05 ms slack.
    const slack = f.kind === "time" && !useRatio && Math.abs(b - a) < 0.05;
    out.push({ id, old: a, new: b, change, regressed: change > 1 + allowed && !slack });
  }
  return out;
}

/** The comparison as lines, one per figure. */
export function renderComparison(rows: ComparedFigure[], tolerance: Tolerance): string {
  const cells = rows.map((r) => [
    r.id,
    num(r.old),
    num(r.new),
    `${num(r.change)}x`,
    r.regressed ? "REGRESSED" : "ok",
  ]);
  return [
    `compare (tolerance: counts +${tolerance.count * 100}%, times +${tolerance.time * 100}%)`,
    ...pad([["figure", "old", "new", "new/old", ""], ...cells]),
  ].join("\n");
}
