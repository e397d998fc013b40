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
import {
  type CodeMap,
  type CountTokens,
  emptyMap,
  type Focus,
  type MapStats,
  renderMap,
  updateMap,
} from "./map.ts";

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

/**
 * Brings the cached map up to date for `files` only (those a task's commit
 * changed), without walking the workspace; failures only cost the cache.
 */
export async function refreshMap(
  configDir: string,
  workspace: string,
  files: readonly string[],
): Promise<MapStats> {
  const path = mapCachePath(configDir, workspace);
  const cached = await loadMap(path);
  // No map yet: the next use builds it whole.
  if (files.length === 0 || Object.keys(cached.files).length === 0) {
    return { files: 0, read: 0, extracted: 0 };
  }
  const updated = await updateMap(workspace, cached, files);
  await saveMap(path, updated.map);
  return updated.stats;
}

/**
 * The workspace's map ranked towards `focus` and rendered within `budget`
 * tokens ("" when the budget is too small for anything useful).
 */
export async function mapSlice(
  configDir: string,
  workspace: string,
  focus: Focus,
  budget: number,
  count: CountTokens,
): Promise<string> {
  if (budget < MIN_SLICE_TOKENS) return "";
  const { map } = await workspaceMap(configDir, workspace);
  return renderMap(map, focus, budget, count).text;
}

/** Below this many tokens a map slice is not worth rendering. */
export const MIN_SLICE_TOKENS = 64;
