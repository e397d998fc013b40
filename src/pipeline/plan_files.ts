/**
 * Which files of the plans folder are plans: `*.md`, not a reserved name,
 * regular files, sorted. Deno's own file calls only, so `lao status` can list
 * them without loading the intake (and its store and hashing).
 *
 * @module
 */
import { basename, join } from "node:path";

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

/** Plan files in a folder, sorted, reserved names skipped. */
export function listPlanFiles(plansDir: string): string[] {
  try {
    Deno.statSync(plansDir);
  } catch {
    return [];
  }
  return [...Deno.readDirSync(plansDir)].map((e) => e.name)
    .filter((f) => /\.md$/i.test(f) && !isReservedStem(planStem(f)))
    .filter((f) => Deno.statSync(join(plansDir, f)).isFile)
    .sort()
    .map((f) => join(plansDir, f));
}
