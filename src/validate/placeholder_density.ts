/**
 * Aggregate placeholder checks over all changed source files.
 *
 * - density = markers per 1000 lines, where the line count has a floor of
 *   1000 so that one `TODO` in a 20-line file is not "50 per kloc";
 * - ratio = markers / lines, where the line count has a floor of 100.
 *
 * Each threshold exceeded yields one major finding (confidence 0.78).
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import { type Finding, validatorFinding } from "./finding.ts";

/** Marker and line counts of one scanned file. */
export interface MarkerCount {
  markers: number;
  lines: number;
}

/** Density and ratio of placeholder markers over `counts`. */
export function placeholderStats(counts: MarkerCount[]): {
  markers: number;
  lines: number;
  perKloc: number;
  ratio: number;
} {
  const markers = counts.reduce((sum, c) => sum + c.markers, 0);
  const lines = counts.reduce((sum, c) => sum + c.lines, 0);
  return {
    markers,
    lines,
    perKloc: markers / (Math.max(lines, 1000) / 1000),
    ratio: markers / Math.max(lines, 100),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Findings for density/ratio thresholds exceeded (`placeholder_max_*` settings). */
export function placeholderAggregate(
  counts: MarkerCount[],
  orchestration: Pick<
    Config["orchestration"],
    "placeholder_max_markers_per_kloc" | "placeholder_max_ratio"
  >,
): Finding[] {
  const stats = placeholderStats(counts);
  if (stats.markers === 0) return [];
  const findings: Finding[] = [];
  const common = {
    severity: "major" as const,
    file_path: null,
    fix_hint: "Finish the placeholder code in the changed files.",
    analyzer_id: "placeholder_density",
    analyzer_kind: "heuristic" as const,
    confidence: 0.78,
  };
  if (stats.perKloc > orchestration.placeholder_max_markers_per_kloc) {
    findings.push(validatorFinding({
      ...common,
      issue_class: "placeholder_density",
      message: `${stats.markers} placeholder markers in ${stats.lines} lines (${
        round(stats.perKloc, 2)
      } per 1000 lines, limit ${orchestration.placeholder_max_markers_per_kloc})`,
    }));
  }
  if (stats.ratio > orchestration.placeholder_max_ratio) {
    findings.push(validatorFinding({
      ...common,
      issue_class: "placeholder_ratio",
      message: `${stats.markers} placeholder markers in ${stats.lines} lines (ratio ${
        round(stats.ratio, 4)
      }, limit ${orchestration.placeholder_max_ratio})`,
    }));
  }
  return findings;
}
