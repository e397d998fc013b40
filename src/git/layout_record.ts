/**
 * Persists each workspace's {@linkcode RepoLayout} in LAO's own folder
 * (`<config dir>/.lao/git-layouts/`, never visible to the sandbox), so a
 * later `lao run`, `lao undo` or `lao log` compares the repository with what
 * LAO created or first found, not with whatever is there when it starts.
 *
 * @module
 */
import { join } from "node:path";
import { errorMessage } from "../errors.ts";
import type { RepoLayout } from "./layout.ts";
import { readSmallFile } from "./safe_read.ts";

/** The record file for `workspace` (a real path) under `layoutDir`. */
export async function recordPath(layoutDir: string, workspace: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(workspace));
  const hex = Array.from(
    new Uint8Array(digest).slice(0, 12),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
  return join(layoutDir, `${hex}.json`);
}

/** A loaded record: none yet, a layout, or a one-line problem. */
export type LoadedRecord = { kind: "none" } | { kind: "ok"; layout: RepoLayout } | {
  kind: "bad";
  problem: string;
};

/** Loads the record of `workspace`. Never throws. */
export async function loadRecord(layoutDir: string, workspace: string): Promise<LoadedRecord> {
  const path = await recordPath(layoutDir, workspace);
  const read = await readSmallFile(path, 1 << 20);
  if (read.kind === "missing") return { kind: "none" };
  const bad = (why: string): LoadedRecord => ({
    kind: "bad",
    problem: `LAO's record of this repository (${path}) ${why}; delete it if you changed the ` +
      "repository yourself",
  });
  if (read.kind === "bad") return bad(read.why);
  try {
    const value = JSON.parse(read.text) as Partial<RepoLayout>;
    if (
      value.workspace !== workspace || typeof value.toplevel !== "string" ||
      typeof value.gitDir !== "string" || typeof value.commonDir !== "string" ||
      typeof value.dotGit !== "string" || !Array.isArray(value.watched)
    ) {
      return bad("is not valid");
    }
    return { kind: "ok", layout: value as RepoLayout };
  } catch {
    return bad("is not valid JSON");
  }
}

/** Writes the record (temp file + rename); returns a problem or `""`. */
export async function saveRecord(layoutDir: string, layout: RepoLayout): Promise<string> {
  const path = await recordPath(layoutDir, layout.workspace);
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.mkdir(layoutDir, { recursive: true });
    await Deno.writeTextFile(temp, JSON.stringify(layout, null, 2) + "\n", { createNew: true });
    await Deno.rename(temp, path);
    return "";
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    return `Cannot record the repository layout in ${layoutDir}: ${errorMessage(err)}`;
  }
}
