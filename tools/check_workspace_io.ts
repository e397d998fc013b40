/**
 * Architecture check: nothing in `src/` reads or writes files with raw
 * `Deno.*` or `node:fs` calls except the places listed in
 * {@linkcode ALLOWED}, each with its reason. Everything LAO reads or writes
 * in a plan workspace goes through the guarded workspace I/O
 * (`src/workspace/guarded_io.ts`) or, for the model's tools, the workspace
 * guard; a raw call elsewhere is a back door around both.
 *
 * Usage: `deno run --allow-read tools/check_workspace_io.ts [root]` (exit 1
 * and one line per violation when the check fails). Test files
 * (`*_test.ts`) are not checked.
 *
 * @module
 */
import { join, relative, sep } from "node:path";

/** A place allowed to use raw file calls, and why. */
export interface Allowance {
  /** A file (`src/x.ts`) or a folder (`src/x/`), `/`-separated, from the project root. */
  path: string;
  /** Only these call names are allowed (all when omitted). */
  calls?: readonly string[];
  /** Why this place may touch the disk directly. */
  reason: string;
}

/** The allow-list. Keep it short; every entry says why it is safe. */
export const ALLOWED: readonly Allowance[] = [
  {
    path: "src/workspace/",
    reason: "the guarded workspace I/O itself (lstat per component, fstat after open, caps, " +
      "temp + rename) and the workspace guard behind the model's file tools (realpath " +
      "containment, FIFO/device refusal), which runs in the permission-narrowed Worker",
  },
  {
    path: "src/store/",
    reason: "the SQLite database and run lock under .lao/, which config refuses inside a " +
      "plan workspace",
  },
  { path: "src/config/", reason: "factory.yaml and the user's config folder, not a workspace" },
  {
    path: "src/cli/commands/init.ts",
    reason: "`lao init` writes factory.yaml and the plans folder of a new project",
  },
  {
    path: "src/cli/commands/preflight.ts",
    calls: ["readFileSync"],
    reason: "`lao preflight` reads the plan file the user names",
  },
  {
    path: "src/cli/commands/demo.ts",
    calls: ["writeTextFile"],
    reason: "`lao demo` fills a temp folder it has just created",
  },
  {
    path: "src/pipeline/plans_source.ts",
    calls: ["readFile"],
    reason: "the disk plans source: plan files in the plans folder or named with --plan (the " +
      "workspace snapshot is read through the guarded I/O)",
  },
  { path: "src/ui/run_log.ts", reason: "run logs under .lao/runs/" },
  {
    path: "src/codemap/cache.ts",
    calls: ["readTextFile", "writeTextFile"],
    reason: "the code map's cache under <config dir>/.lao/codemap/ (temp + rename), not a " +
      "workspace; workspace files are read through the guarded I/O",
  },
  {
    path: "src/sandbox/shell.ts",
    calls: ["open"],
    reason: "shell logs under .lao/logs/, opened createNew (never through a link)",
  },
  {
    path: "src/sandbox/check.ts",
    reason: "`lao sandbox check` probes in a temp folder of its own, outside every workspace",
  },
  {
    path: "src/sandbox/check_rows.ts",
    reason: "the probes of `lao sandbox check`, in the same temp folder of its own",
  },
  {
    path: "src/llm/cassette.ts",
    reason: "the cassette the user names with --record/--replay, outside workspaces",
  },
  {
    path: "src/git/safe_read.ts",
    calls: ["open"],
    reason: "repository metadata (possibly in a parent repository), read with its own lstat, " +
      "size cap and fstat checks",
  },
  {
    path: "src/git/layout_record.ts",
    calls: ["writeTextFile"],
    reason: "layout records under .lao/git-layouts/, written createNew + rename",
  },
  {
    path: "src/git/pending_journal.ts",
    calls: ["writeTextFile"],
    reason: "the journal of queued commits beside the layout records under .lao/git-layouts/ " +
      "(LAO's folder, never inside a workspace), written temp + rename",
  },
];

/** One raw file call outside the allow-list. */
export interface Violation {
  /** File, `/`-separated, from the project root. */
  path: string;
  /** 1-based line. */
  line: number;
  /** The call, e.g. `Deno.writeTextFile` or `node:fs readFileSync`. */
  call: string;
}

const DENO_CALL =
  /\bDeno\s*\.\s*(writeTextFile|writeFile|readTextFile|readFile|open|create|copyFile|truncate)(Sync)?\s*\(/g;
const NODE_FS_IMPORT = /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*["']node:fs(?:\/promises)?["']/g;
const NODE_FS_CALLS = new Set([
  "readFile",
  "readFileSync",
  "writeFile",
  "writeFileSync",
  "appendFile",
  "appendFileSync",
  "open",
  "openSync",
  "createReadStream",
  "createWriteStream",
  "copyFile",
  "copyFileSync",
  "truncate",
  "truncateSync",
]);

/** Blanks out comments (keeping line breaks), so a call named in a comment is not a call. */
export function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (m) => m.replace(/[^\n]/g, " "));
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split("\n").length;
}

function allowed(path: string, call: string, allow: readonly Allowance[]): boolean {
  return allow.some((a) =>
    (a.path.endsWith("/") ? path.startsWith(a.path) : path === a.path) &&
    (a.calls === undefined || a.calls.includes(call))
  );
}

/** The raw file calls in `text` (the source of `path`) that `allow` does not cover. */
export function findViolations(
  path: string,
  text: string,
  allow: readonly Allowance[] = ALLOWED,
): Violation[] {
  const code = stripComments(text);
  const out: Violation[] = [];
  for (const m of code.matchAll(DENO_CALL)) {
    const name = m[1]!;
    if (allowed(path, name, allow)) continue;
    out.push({ path, line: lineOf(code, m.index), call: `Deno.${name}${m[2] ?? ""}` });
  }
  for (const m of code.matchAll(NODE_FS_IMPORT)) {
    const names = m[1]!.split(",").map((s) => s.trim().split(/\s+as\s+/)[0]!.trim());
    for (const name of names) {
      if (!NODE_FS_CALLS.has(name) || allowed(path, name, allow)) continue;
      out.push({ path, line: lineOf(code, m.index), call: `node:fs ${name}` });
    }
  }
  return out.sort((a, b) => a.line - b.line);
}

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory && e.name !== "testdata") yield* sourceFiles(p);
    else if (e.isFile && /\.tsx?$/.test(e.name) && !/_test\.tsx?$/.test(e.name)) yield p;
  }
}

/** Checks every source file under `<root>/src`; returns the violations, sorted. */
export async function checkTree(
  root: string,
  allow: readonly Allowance[] = ALLOWED,
): Promise<Violation[]> {
  const out: Violation[] = [];
  for await (const file of sourceFiles(join(root, "src"))) {
    const rel = relative(root, file).split(sep).join("/");
    out.push(...findViolations(rel, await Deno.readTextFile(file), allow));
  }
  return out.sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line);
}

if (import.meta.main) {
  const root = Deno.args[0] ?? join(import.meta.dirname ?? ".", "..");
  const found = await checkTree(root);
  for (const v of found) {
    console.error(
      `${v.path}:${v.line}: ${v.call} outside the guarded workspace I/O ` +
        "(use src/workspace/guarded_io.ts, or add an entry with its reason to ALLOWED in " +
        "tools/check_workspace_io.ts)",
    );
  }
  if (found.length > 0) Deno.exit(1);
  console.log("check_workspace_io: no raw file calls outside the allow-list");
}
