/**
 * The commit a repository's `HEAD` names, read from its files.
 *
 * @module
 */
import { join } from "node:path";
import type { RepoLayout } from "./layout.ts";
import { readSmallFile } from "./safe_read.ts";

/**
 * The commit HEAD names, read from the repository's own files (`HEAD`, then its loose ref)
 * instead of a `git rev-parse` process; null when that is not simple (packed or odd refs).
 */
export async function headFromFiles(
  layout: Pick<RepoLayout, "gitDir" | "commonDir">,
): Promise<string | null> {
  const head = await readSmallFile(join(layout.gitDir, "HEAD"), 4096);
  if (head.kind !== "ok") return null;
  const text = head.text.trim();
  if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(text)) return text;
  const ref = /^ref: (refs\/heads\/[^\s]+)$/.exec(text)?.[1];
  if (!ref || ref.split("/").some((p) => p === ".." || p === "")) return null;
  for (const dir of [layout.gitDir, layout.commonDir]) {
    const loose = await readSmallFile(join(dir, ref), 4096);
    if (loose.kind === "ok" && /^[0-9a-f]{40}([0-9a-f]{24})?\n?$/.test(loose.text)) {
      return loose.text.trim();
    }
  }
  return null;
}
