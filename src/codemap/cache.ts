/**
 * The code map of a workspace, kept between runs in LAO's own folder
 * (`<config dir>/.lao/codemap/<digest of the workspace path>.json`, never
 * visible to the sandbox) and brought up to date on every use, so after a
 * task's commit only the files that changed are read again.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { type CodeMap, emptyMap, type MapStats, updateMap } from "./map.ts";

/** The cache file of `workspace`. */
export function mapCachePath(configDir: string, workspace: string): string {
  const digest = createHash("sha256").update(workspace, "utf8").digest("hex").slice(0, 16);
  return join(configDir, ".lao", "codemap", `${digest}.json`);
}

/** Loads the cached map (an empty one when there is none or it is unreadable). */
export async function loadMap(path: string): Promise<CodeMap> {
  try {
    const value = JSON.parse(await Deno.readTextFile(path)) as CodeMap;
    return value && value.version === 1 && typeof value.files === "object" ? value : emptyMap();
  } catch {
    return emptyMap();
  }
}

/** Writes the map (temp file + rename); failures only cost the cache. */
export async function saveMap(path: string, map: CodeMap): Promise<void> {
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.mkdir(join(path, ".."), { recursive: true });
    await Deno.writeTextFile(temp, JSON.stringify(map), { createNew: true });
    await Deno.rename(temp, path);
  } catch {
    await Deno.remove(temp).catch(() => {});
  }
}

/** The up-to-date map of `workspace`, from and back to its cache. */
export async function workspaceMap(
  configDir: string,
  workspace: string,
): Promise<{ map: CodeMap; stats: MapStats }> {
  const path = mapCachePath(configDir, workspace);
  const updated = await updateMap(workspace, await loadMap(path));
  if (updated.stats.read > 0 || updated.stats.extracted > 0) await saveMap(path, updated.map);
  return updated;
}
