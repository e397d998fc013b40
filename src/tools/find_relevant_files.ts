/**
 * `find_relevant_files`: ranks workspace files for a natural-language query,
 * with embeddings when an embedder is available and BM25 otherwise (also the
 * fallback when embedding fails). Also used for the coder's context
 * retrieval.
 *
 * @module
 */
import { z } from "zod";
import { rankBm25 } from "./bm25.ts";
import description from "./find_relevant_files.md" with { type: "text" };
import type { EmbedPort, Tool } from "./types.ts";
import type { WorkspaceFs } from "../workspace/workspace_fs.ts";

const schema = z.object({
  query: z.string().min(1).describe("What you look for"),
  top_k: z.coerce.number().int().min(1).max(20).optional().describe("Files (default 5)"),
});

/** File extensions considered source/text. */
export const TEXT_EXTENSIONS = new Set(
  [
    "py js ts tsx jsx mjs cjs html css scss json yaml yml md txt toml cfg ini sh sql go rs ",
    "java kt c cpp h hpp cs rb php swift vue svelte",
  ].join("").split(" "),
);

const SKIP = /(^|\/)(node_modules|\.git|__pycache__|\.venv|venv|dist|build|\.lao)(\/|$)/;
const MAX_FILES = 2000;
const DOC_CHARS = 2000;
const EMBED_CHARS = 500;
const EMBED_BATCH = 16;

/** A ranked file. */
export interface RelevantFile {
  path: string;
  score: number;
  /** How the ranking was made. */
  method: "embedding" | "bm25";
}

/** Options of {@linkcode findRelevantFiles}. */
export interface FindOptions {
  topK?: number;
  embed?: EmbedPort;
  signal?: AbortSignal;
}

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

async function collect(
  fs: WorkspaceFs,
  signal?: AbortSignal,
): Promise<{ path: string; text: string }[]> {
  const docs: { path: string; text: string }[] = [];
  for (const e of await fs.walk({ limit: MAX_FILES * 2 })) {
    if (signal?.aborted || docs.length >= MAX_FILES) break;
    const ext = e.path.slice(e.path.lastIndexOf(".") + 1).toLowerCase();
    if (e.kind !== "file" || SKIP.test(e.path) || !TEXT_EXTENSIONS.has(ext)) continue;
    try {
      docs.push({ path: e.path, text: (await fs.readText(e.path)).slice(0, DOC_CHARS) });
    } catch {
      // unreadable or binary: skip
    }
  }
  return docs;
}

async function byEmbedding(
  embed: EmbedPort,
  query: string,
  docs: readonly { path: string; text: string }[],
): Promise<RelevantFile[]> {
  const [q] = await embed([`search_query: ${query}`]);
  if (!q) throw new Error("the embedder returned no vector");
  const scored: RelevantFile[] = [];
  for (let i = 0; i < docs.length; i += EMBED_BATCH) {
    const batch = docs.slice(i, i + EMBED_BATCH);
    const vectors = await embed(
      batch.map((d) => `search_document: ${d.path}\n${d.text.slice(0, EMBED_CHARS)}`),
    );
    batch.forEach((d, k) =>
      scored.push({ path: d.path, score: cosine(q, vectors[k] ?? []), method: "embedding" })
    );
  }
  return scored.sort((a, b) => b.score - a.score);
}

/** Ranks workspace files for `query`; never throws for embedding failures. */
export async function findRelevantFiles(
  fs: WorkspaceFs,
  query: string,
  options: FindOptions = {},
): Promise<RelevantFile[]> {
  const topK = options.topK ?? 5;
  const docs = await collect(fs, options.signal);
  if (options.embed && docs.length) {
    try {
      return (await byEmbedding(options.embed, query, docs)).slice(0, topK);
    } catch {
      // fall through to BM25
    }
  }
  const ranked = rankBm25(
    query,
    docs.map((d) => ({ id: d.path, text: `${d.path} ${d.path} ${d.text}` })),
  );
  return ranked.slice(0, topK).map((r) => ({ path: r.id, score: r.score, method: "bm25" }));
}

/** The `find_relevant_files` tool. */
export const findRelevantFilesTool: Tool<typeof schema> = {
  name: "find_relevant_files",
  description: description.trim(),
  schema,
  async run(args, ctx) {
    const hits = await findRelevantFiles(ctx.fs, args.query, {
      topK: args.top_k ?? 5,
      embed: ctx.embed,
      signal: ctx.signal,
    });
    if (!hits.length) return { ok: true, output: `No files match "${args.query}"` };
    return {
      ok: true,
      output: hits.map((h, i) => `${i + 1}. ${h.path} (score ${h.score.toFixed(2)})`).join("\n"),
    };
  },
};
