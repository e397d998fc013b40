/**
 * `lao report check` / `lao report migrate`: validates and
 * upgrades the `report_meta` header of a `quality_report.json`.
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import { REPORT_MIN_COMPATIBLE_VERSION, REPORT_SCHEMA_VERSION } from "./quality_report.ts";

/** Why a report passed or failed {@linkcode checkReport}. */
export type ReportCheckReason =
  | "ok"
  | "report_not_object"
  | "missing_report_meta"
  | "missing_schema_version"
  | "missing_min_compatible_version"
  | "incompatible_version";

/** Result of {@linkcode checkReport}. */
export interface ReportCheck {
  ok: boolean;
  reason: ReportCheckReason;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}

function major(version: string): number {
  return Number.parseInt(version, 10);
}

/**
 * Checks a parsed report: it must be an object with `report_meta` holding
 * `schema_version` and `min_compatible_version`, and this LAO must be new
 * enough to read it (`min_compatible_version` major ≤ ours).
 */
export function checkReport(report: unknown): ReportCheck {
  if (!isRecord(report)) return { ok: false, reason: "report_not_object" };
  const meta = report.report_meta;
  if (!isRecord(meta)) return { ok: false, reason: "missing_report_meta" };
  if (!nonEmptyString(meta.schema_version)) return { ok: false, reason: "missing_schema_version" };
  if (!nonEmptyString(meta.min_compatible_version)) {
    return { ok: false, reason: "missing_min_compatible_version" };
  }
  if (major(meta.min_compatible_version) > major(REPORT_SCHEMA_VERSION)) {
    return { ok: false, reason: "incompatible_version" };
  }
  return { ok: true, reason: "ok" };
}

/**
 * Adds or fills `report_meta` (missing or blank fields get the current
 * versions; existing values are kept). Returns a new object and whether
 * anything changed. Throws a {@linkcode UserError} for a non-object.
 */
export function migrateReport(
  report: unknown,
): { report: Record<string, unknown>; changed: boolean } {
  if (!isRecord(report)) {
    throw new UserError("Cannot migrate the report: it is not a JSON object");
  }
  const meta = isRecord(report.report_meta) ? report.report_meta : {};
  const schema = nonEmptyString(meta.schema_version) ? meta.schema_version : REPORT_SCHEMA_VERSION;
  const min = nonEmptyString(meta.min_compatible_version)
    ? meta.min_compatible_version
    : REPORT_MIN_COMPATIBLE_VERSION;
  const changed = meta.schema_version !== schema || meta.min_compatible_version !== min ||
    report.report_meta !== meta;
  const migrated = {
    report_meta: { ...meta, schema_version: schema, min_compatible_version: min },
    ...Object.fromEntries(Object.entries(report).filter(([key]) => key !== "report_meta")),
  };
  return { report: migrated, changed };
}
