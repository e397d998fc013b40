/**
 * A map of the code in a workspace (issue 15): its files, what each defines
 * and which other files use those definitions, ranked by relevance to a
 * question (a plan, a task's target files) and rendered within a token
 * budget. The ranking is PageRank over the reference graph (file A → file B
 * when A uses a name B defines), personalized towards the files and
 * symbols the question names. Files are cached by content hash, so an
 * update after a commit re-reads only files whose size or mtime changed and
 * re-extracts only those whose content changed.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join, relative } from "node:path";
import { type FileSymbols, languageOf } from "./extract.ts";
import { extractSymbols } from "./extract.ts";
import { workspaceIo } from "../workspace/guarded_io.ts";

/** One file of the map. */
export interface MapFile {
  path: string;
  /** SHA-256 (16 hex) of the content. */
  hash: string;
  size: number;
  mtimeMs: number;
  symbols: FileSymbols;
}

/** The map: files by workspace-relative path. */
export interface CodeMap {
  version: 1;
  files: Record<string, MapFile>;
}

/** What an update did (for the bench and the log). */
export interface MapStats {
  /** Files looked at. */
  files: number;
  /** Files read (new, or size/mtime changed). */
  read: number;
  /** Files whose symbols were extracted again (content changed). */
  extracted: number;
}

/** Folders never mapped. */
const SKIP_DIRS = new Set([
  ".git",
  ".lao",
  "node_modules",
  "dist",
  "build",
  "target",
  "vendor",
  "__pycache__",
  ".venv",
  "venv",
  ".next",
  "coverage",
]);
/** Largest file mapped (bytes). */
const MAX_FILE = 256 * 1024;
/** Most files mapped. */
const MAX_FILES = 20_000;

/** An empty map. */
export function emptyMap(): CodeMap {
  return { version: 1, files: {} };
}

/** Files under `root` worth mapping (sorted, workspace-relative, `/`-separated). */
export async function listSourceFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    const entries: Deno.DirEntry[] = [];
    try {
      for await (const e of Deno.readDir(dir)) entries.push(e);
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (out.length >= MAX_FILES) return;
      if (e.isSymlink) continue;
      const full = join(dir, e.name);
      if (e.isDirectory) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith(".")) await walk(full);
      } else if (e.isFile && languageOf(e.name)) {
        out.push(relative(root, full).replaceAll("\\", "/"));
      }
    }
  };
  await walk(root);
  return out;
}

/**
 * Brings `map` up to date with the files under `root` (a new map when
 * `map` is empty): unchanged size and mtime are trusted, changed content is
 * extracted again, vanished files are dropped. Returns the new map.
 */
export async function updateMap(
  root: string,
  map: CodeMap = emptyMap(),
  only?: readonly string[],
): Promise<{ map: CodeMap; stats: MapStats }> {
  const paths = only ? [...new Set(only)].sort() : await listSourceFiles(root);
  const files: Record<string, MapFile> = only ? { ...map.files } : {};
  const stats: MapStats = { files: paths.length, read: 0, extracted: 0 };
  const io = workspaceIo(root);
  for (const path of paths) {
    const full = join(root, path);
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(full);
    } catch {
      delete files[path];
      continue;
    }
    if (!info.isFile || info.size > MAX_FILE || !languageOf(path)) {
      delete files[path];
      continue;
    }
    const known = map.files[path];
    const mtimeMs = info.mtime?.getTime() ?? 0;
    if (known && known.size === info.size && known.mtimeMs === mtimeMs) {
      files[path] = known;
      continue;
    }
    let text: string;
    try {
      // Through the guarded I/O: a link, FIFO or device planted under the name is refused.
      text = await io.readText(path, { maxBytes: MAX_FILE });
    } catch {
      delete files[path];
      continue;
    }
    stats.read++;
    const hash = createHash("sha256").update(text, "utf8").digest("hex").slice(0, 16);
    if (known && known.hash === hash) {
      files[path] = { ...known, size: info.size, mtimeMs };
      continue;
    }
    stats.extracted++;
    files[path] = { path, hash, size: info.size, mtimeMs, symbols: extractSymbols(path, text) };
  }
  return { map: { version: 1, files }, stats };
}

/** What to rank the map towards. */
export interface Focus {
  /** Files that matter most (e.g. a task's targets), workspace-relative. */
  files?: readonly string[];
  /** Free text (a plan): file paths and symbol names it mentions count. */
  text?: string;
}

/** Files by relevance (PageRank personalized towards `focus`); ties by path. */
export function rankFiles(map: CodeMap, focus: Focus = {}): { path: string; score: number }[] {
  const paths = Object.keys(map.files).sort();
  const index = new Map(paths.map((p, i) => [p, i]));
  const definers = new Map<string, number[]>();
  paths.forEach((p, i) => {
    for (const d of map.files[p]!.symbols.definitions) {
      const list = definers.get(d.name) ?? [];
      if (list[list.length - 1] !== i) list.push(i);
      definers.set(d.name, list);
    }
  });
  // Edges: a file using a name that few files define points at those files.
  const out: Map<number, number>[] = paths.map(() => new Map());
  paths.forEach((p, i) => {
    for (const ref of map.files[p]!.symbols.references) {
      const targets = definers.get(ref);
      if (!targets || targets.length > 5) continue;
      for (const t of targets) {
        if (t !== i) out[i]!.set(t, (out[i]!.get(t) ?? 0) + 1 / targets.length);
      }
    }
  });
  const n = paths.length;
  if (n === 0) return [];
  const personal = new Array<number>(n).fill(0);
  const text = focus.text ?? "";
  const words = new Set(text.match(/[A-Za-z_][\w]{2,}/g) ?? []);
  for (const f of focus.files ?? []) {
    const i = index.get(f.replace(/^\.\//, ""));
    if (i !== undefined) personal[i]! += 10;
  }
  paths.forEach((p, i) => {
    if (text && (text.includes(p) || text.includes(p.split("/").pop()!))) personal[i]! += 5;
    for (const d of map.files[p]!.symbols.definitions) if (words.has(d.name)) personal[i]! += 1;
  });
  const total = personal.reduce((a, b) => a + b, 0);
  const base = total > 0 ? personal.map((x) => x / total) : personal.map(() => 1 / n);
  let rank = base.slice();
  const damping = 0.85;
  for (let iter = 0; iter < 30; iter++) {
    const next = base.map((b) => (1 - damping) * b);
    let dangling = 0;
    for (let i = 0; i < n; i++) {
      const edges = out[i]!;
      const weight = [...edges.values()].reduce((a, b) => a + b, 0);
      if (weight === 0) {
        dangling += rank[i]!;
        continue;
      }
      for (const [t, w] of edges) next[t]! += damping * rank[i]! * (w / weight);
    }
    for (let i = 0; i < n; i++) next[i]! += damping * dangling * base[i]!;
    rank = next;
  }
  return paths.map((path, i) => ({ path, score: rank[i]! }))
    .sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Counts tokens of a text (the pipeline's counter). */
export type CountTokens = (text: string) => number;

/**
 * The map as text within `budget` tokens: the most relevant files first,
 * each with its definitions' signatures; a file that does not fit whole is
 * listed by name only while names still fit.
 */
export function renderMap(
  map: CodeMap,
  focus: Focus,
  budget: number,
  count: CountTokens,
): { text: string; tokens: number; files: number } {
  const header = "Code map (most relevant files first; each with the definitions it holds):";
  let used = count(header);
  const lines = [header];
  let files = 0;
  for (const { path } of rankFiles(map, focus)) {
    const defs = map.files[path]!.symbols.definitions;
    const block = [`${path}:`, ...defs.slice(0, 30).map((d) => `  ${d.line}: ${d.signature}`)]
      .join("\n");
    const cost = count(`\n${block}`);
    if (used + cost <= budget) {
      lines.push(block);
      used += cost;
      files++;
      continue;
    }
    const nameOnly = count(`\n${path}`);
    if (used + nameOnly > budget) break;
    lines.push(path);
    used += nameOnly;
    files++;
  }
  if (files === 0) return { text: "", tokens: 0, files: 0 };
  // Token counts of joined text may differ from the sum of the parts: trim until it fits.
  let text = lines.join("\n");
  while (lines.length > 1 && count(text) > budget) {
    lines.pop();
    files--;
    text = lines.join("\n");
  }
  if (files === 0) return { text: "", tokens: 0, files: 0 };
  return { text, tokens: count(text), files };
}
