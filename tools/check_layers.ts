/**
 * Architecture check: the folders of `src/` import each other only along the
 * edges in {@linkcode ALLOWED} (a layering with no cycle), except for the
 * named, temporary {@linkcode EXCEPTIONS}, each listing the exact files it
 * covers. The graph is built from the import statements (static, re-export and
 * dynamic imports with a relative specifier, text imports of `.md` files
 * included); test files (`*_test.ts`) are not checked. Files directly in
 * `src/` (`errors.ts`, …) form the `(root)` node, which every folder may use.
 *
 * Usage: `deno run --allow-read tools/check_layers.ts [root]` checks;
 * `--graph` prints the graph as Mermaid; `--write-docs` (needs
 * `--allow-write`) regenerates the marked section of `docs/ARCHITECTURE.md`;
 * `--check-docs` fails when that section is out of date. Exit 1 and one line
 * per problem when the check fails: an edge not allowed, a folder not
 * declared, or an exception that no longer matches anything (remove it).
 *
 * @module
 */
import { dirname, join, normalize, relative, sep } from "node:path";
import { stripComments } from "./check_workspace_io.ts";

/** The node for files directly in `src/`. */
export const ROOT = "(root)";

/**
 * The allowed folder edges, written once: each folder → the folders it may
 * import. Lower layers first; the table itself must have no cycle.
 */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  [ROOT]: [],
  domain: [],
  events: ["domain"],
  parse: [],
  workspace: [],
  config: ["domain", "workspace"],
  llm: ["config"],
  store: ["domain", "events"],
  models: ["config", "events", "llm"],
  tools: ["parse", "workspace"],
  sandbox: ["config", "events", "tools", "workspace"],
  git: ["config", "events", "tools", "workspace"],
  codemap: ["workspace"],
  validate: ["config", "events", "tools", "workspace"],
  projects: ["config", "workspace"],
  agents: [
    "config",
    "domain",
    "events",
    "llm",
    "models",
    "parse",
    "store",
    "tools",
    "validate",
    "workspace",
  ],
  phases: [
    "agents",
    "codemap",
    "config",
    "domain",
    "events",
    "git",
    "llm",
    "models",
    "store",
    "tools",
    "validate",
    "workspace",
  ],
  pipeline: [
    "agents",
    "codemap",
    "config",
    "domain",
    "events",
    "git",
    "llm",
    "models",
    "parse",
    "phases",
    "store",
    "tools",
    "validate",
    "workspace",
    "worktree",
  ],
  ui: ["domain", "events", "store"],
  worktree: ["git", "store", "workspace"],
  pilot: [
    "config",
    "domain",
    "events",
    "llm",
    "pipeline",
    "store",
    "tools",
    "ui",
    "validate",
    "workspace",
  ],
  cli: [
    "agents",
    "codemap",
    "config",
    "domain",
    "events",
    "git",
    "llm",
    "models",
    "phases",
    "pilot",
    "pipeline",
    "projects",
    "sandbox",
    "store",
    "tools",
    "ui",
    "validate",
    "workspace",
    "worktree",
  ],
};

/** A known violation, allowed for now; the next architecture step removes it. */
export interface Exception {
  /** A short name to refer to it by. */
  name: string;
  from: string;
  to: string;
  /** The exact importing files (`src/…`, `/`-separated) it covers. */
  files: readonly string[];
  /** Why it exists and what removes it. */
  reason: string;
}

/** The temporary exceptions. Each one removed is a step towards the layering above. */
export const EXCEPTIONS: readonly Exception[] = [];

/** The import graph: folder → imported folder → importing files. */
export type Graph = Map<string, Map<string, Set<string>>>;

/** One problem found by {@linkcode checkGraph}. */
export interface Problem {
  kind: "edge" | "folder" | "stale";
  message: string;
}

const SPECIFIER = /(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

/** The folder of a `src/`-relative, `/`-separated path (`agents/parse/x.ts` → `agents`). */
export function folderOf(srcPath: string): string {
  const i = srcPath.indexOf("/");
  return i < 0 ? ROOT : srcPath.slice(0, i);
}

/** The `src/`-relative targets of the relative imports in `text`, the source of `srcPath`. */
export function importsOf(srcPath: string, text: string): string[] {
  const out: string[] = [];
  for (const m of stripComments(text).matchAll(SPECIFIER)) {
    const target = normalize(join(dirname(srcPath), m[1]!)).split(sep).join("/");
    if (!target.startsWith("..")) out.push(target);
  }
  return out;
}

/** Adds the edges of one source file to `graph`. */
export function addFile(graph: Graph, srcPath: string, text: string): void {
  const from = folderOf(srcPath);
  if (!graph.has(from)) graph.set(from, new Map());
  for (const target of importsOf(srcPath, text)) {
    const to = folderOf(target);
    if (to === from) continue;
    const edges = graph.get(from)!;
    if (!edges.has(to)) edges.set(to, new Set());
    edges.get(to)!.add(`src/${srcPath}`);
  }
}

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory && e.name !== "testdata") yield* sourceFiles(p);
    else if (e.isFile && /\.tsx?$/.test(e.name) && !/_test\.tsx?$/.test(e.name)) yield p;
  }
}

/** Builds the folder graph of `<root>/src`. */
export async function buildGraph(root: string): Promise<Graph> {
  const src = join(root, "src");
  const graph: Graph = new Map();
  for await (const file of sourceFiles(src)) {
    addFile(graph, relative(src, file).split(sep).join("/"), await Deno.readTextFile(file));
  }
  return graph;
}

/** Checks `graph` against the allowed edges and the exceptions. */
export function checkGraph(
  graph: Graph,
  allowed: Readonly<Record<string, readonly string[]>> = ALLOWED,
  exceptions: readonly Exception[] = EXCEPTIONS,
): Problem[] {
  const problems: Problem[] = [];
  const used = new Set<Exception>();
  for (const [from, edges] of [...graph].sort(([a], [b]) => a.localeCompare(b))) {
    if (!(from in allowed)) {
      problems.push({
        kind: "folder",
        message: `src/${from}/ is not declared: add it with the folders it may import to ` +
          "ALLOWED in tools/check_layers.ts",
      });
      continue;
    }
    for (const [to, files] of [...edges].sort(([a], [b]) => a.localeCompare(b))) {
      if (to === ROOT || allowed[from]!.includes(to)) continue;
      for (const file of [...files].sort()) {
        const excused = exceptions.find((x) =>
          x.from === from && x.to === to && x.files.includes(file)
        );
        if (excused) used.add(excused);
        else {
          problems.push({
            kind: "edge",
            message: `${file} imports src/${to}/, but ${from} may not depend on ${to}`,
          });
        }
      }
    }
  }
  for (const x of exceptions) {
    const files = graph.get(x.from)?.get(x.to) ?? new Set();
    const stale = x.files.filter((f) => !files.has(f));
    if (!used.has(x) || stale.length > 0) {
      problems.push({
        kind: "stale",
        message: `exception "${x.name}" no longer matches ${
          stale.join(", ") || `${x.from} → ${x.to}`
        }: remove it from EXCEPTIONS in tools/check_layers.ts`,
      });
    }
  }
  return problems;
}

/** The folder cycles of `graph` (strongly connected components of two or more folders). */
export function cycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

/** The graph as allowed-edge adjacency, for checking that {@linkcode ALLOWED} has no cycle. */
export function allowedGraph(allowed: Readonly<Record<string, readonly string[]>>): Graph {
  return new Map(
    Object.entries(allowed).map(([from, tos]) => [from, new Map(tos.map((t) => [t, new Set()]))]),
  );
}

/**
 * The graph as a Mermaid flowchart. Edges to `(root)` are left out (every
 * folder may use it); excused edges are dashed and labelled with the exception.
 */
export function mermaid(graph: Graph, exceptions: readonly Exception[] = EXCEPTIONS): string {
  const lines = ["```mermaid", "flowchart TD"];
  for (const [from, edges] of [...graph].sort(([a], [b]) => a.localeCompare(b))) {
    for (const to of [...edges.keys()].sort()) {
      if (to === ROOT) continue;
      const x = exceptions.find((e) => e.from === from && e.to === to);
      lines.push(x ? `  ${from} -. ${x.name} .-> ${to}` : `  ${from} --> ${to}`);
    }
  }
  lines.push("```");
  return lines.join("\n");
}

const BEGIN = "<!-- check_layers:begin (generated by tools/check_layers.ts --write-docs) -->";
const END = "<!-- check_layers:end -->";

/** `doc` with its generated section replaced by `body` (appended when missing). */
export function withSection(doc: string, body: string): string {
  const section = `${BEGIN}\n\n${body}\n\n${END}`;
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) {
    return `${doc.trimEnd()}\n\n## Folder dependencies\n\n${section}\n`;
  }
  return doc.slice(0, start) + section + doc.slice(end + END.length);
}

/** Wraps `text` at `width` columns the way `deno fmt` wraps markdown prose. */
export function wrap(text: string, width = 100, indent = ""): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    const next = line ? `${line} ${word}` : word;
    if (line && next.length > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines.join("\n");
}

/** The generated documentation section: the graph and the open exceptions. */
export function docsSection(graph: Graph, exceptions: readonly Exception[] = EXCEPTIONS): string {
  const open = exceptions.map((x) =>
    wrap(`- \`${x.name}\` (${x.from} → ${x.to}): ${x.reason}.`, 100, "  ")
  );
  return [
    wrap(
      "Who imports whom among the folders of `src/` (edges to the top-level files such as " +
        "`errors.ts` left out). `tools/check_layers.ts` holds the allowed edges and fails on any " +
        "other; dashed edges are temporary exceptions:",
    ),
    "",
    mermaid(graph, exceptions),
    ...(open.length ? ["", "Open exceptions:", "", ...open] : []),
  ].join("\n");
}

if (import.meta.main) {
  const args = Deno.args.filter((a) => !a.startsWith("--"));
  const root = args[0] ?? join(import.meta.dirname ?? ".", "..");
  const graph = await buildGraph(root);
  const problems = checkGraph(graph);
  for (const p of problems) console.error(p.message);
  for (const c of cycles(allowedGraph(ALLOWED))) {
    console.error(`ALLOWED has a cycle: ${c.join(" ↔ ")}`);
    problems.push({ kind: "edge", message: "cycle in ALLOWED" });
  }
  const docPath = join(root, "docs", "ARCHITECTURE.md");
  const doc = await Deno.readTextFile(docPath);
  const current = withSection(doc, docsSection(graph));
  if (Deno.args.includes("--write-docs")) await Deno.writeTextFile(docPath, current);
  else if (Deno.args.includes("--check-docs") && current !== doc) {
    console.error(
      "docs/ARCHITECTURE.md: the folder graph is out of date; run " +
        "deno run --allow-read=. --allow-write=docs tools/check_layers.ts --write-docs",
    );
    problems.push({ kind: "edge", message: "docs out of date" });
  }
  if (problems.length > 0) Deno.exit(1);
  const known = cycles(graph).map((c) => c.join(" ↔ "));
  if (Deno.args.includes("--graph")) console.log(mermaid(graph));
  console.log(
    `check_layers: folder imports follow the layering` +
      (known.length ? `; cycles through exceptions: ${known.join("; ")}` : "; no folder cycle"),
  );
}
