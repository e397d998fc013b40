/**
 * Which files of the plans folder are plans: `*.md`, not a reserved name,
 * regular files, sorted, as the {@linkcode PlansSource} lists them (Deno's
 * own file calls only for the disk, so `lao status` can list them without
 * loading the intake and its store and hashing).
 *
 * @module
 */
import { basename } from "node:path";
import { diskPlansSource, type PlansSource } from "./plans_source.ts";

/** Stems that are never plans (case-insensitive). */
const RESERVED = new Set(["plans", "factory", "factory.example", "readme"]);

/** True when a plan file stem is reserved. */
export function isReservedStem(stem: string): boolean {
  const s = stem.toLowerCase();
  return RESERVED.has(s) || s.startsWith(".lao") || s.startsWith(".");
}

/** The stem of a plan file name (`Foo.md` → `Foo`). */
export function planStem(filename: string): string {
  return basename(filename).replace(/\.md$/i, "");
}

/** Plan files in a folder (a path: the folder on disk), sorted, reserved names skipped. */
export function listPlanFiles(plans: string | PlansSource): string[] {
  const source = typeof plans === "string" ? diskPlansSource(plans) : plans;
  return source.list()
    .filter((e) => e.isFile && !isReservedStem(planStem(e.name)))
    .map((e) => e.path);
}
