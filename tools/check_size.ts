/**
 * Size check: no function in `src/` is longer than {@linkcode MAX_LINES}
 * lines, except the parsers and tables in {@linkcode PARSERS_AND_TABLES}
 * (long because the grammar or the table is) and, for now, the functions in
 * {@linkcode TO_CUT}, each at most as long as it is today: one that grows
 * fails, one cut below the limit must leave the list. Closures count toward
 * the function they are in; test files (`*_test.ts`) are not checked.
 *
 * Usage: `deno run --allow-read=. tools/check_size.ts [root]`. Exit 1 and one
 * line per problem when the check fails.
 *
 * @module
 */
import { parse } from "@babel/parser";
import { join, relative, sep } from "node:path";

/** The longest a function may be, in lines (first to last line, both counted). */
export const MAX_LINES = 60;

/**
 * Long on purpose: a parser or a table, whose length is its grammar or its
 * rows. Keyed `path#name` (`src/…`, `/`-separated).
 */
export const PARSERS_AND_TABLES: Readonly<Record<string, string>> = {
  "src/llm/transport.ts#readStreamReply": "the server-sent-events parser of a streamed reply",
  "src/agents/chunking.ts#chunkSteps": "the plan chunker's section and line grammar",
  "src/parse/json_repair.ts#rewrite": "the JSON repair scanner",
  "src/validate/source_lexer.ts#lexSource": "the source lexer",
  "src/ui/describe_event.ts#describeEvent": "one line per event type (a table)",
  "src/ui/dashboard_state.ts#applyEvent": "the dashboard reducer, one case per event type",
  "src/config/defaults.ts#defaultConfig": "the default configuration (a table)",
  "src/cli/main.ts#buildProgram": "the command table",
  "src/cli/commands/pipeline_commands.ts#registerPipelineCommands": "the command table",
};

/**
 * Temporary: functions still over the limit, with their length today. Each
 * is to be cut into named steps; none may grow. Empty since 2026-12-02.
 */
export const TO_CUT: Readonly<Record<string, number>> = {};

/** One function over the limit. */
export interface LongFunction {
  key: string;
  line: number;
  lines: number;
}

interface Node {
  type: string;
  loc?: { start: { line: number }; end: { line: number } };
  [key: string]: unknown;
}

const FUNCTION =
  /^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression|ObjectMethod|ClassMethod|ClassPrivateMethod|TSDeclareMethod)$/;

function nameOf(node: Node, fallback: string): string {
  const id = node.id as Node | undefined;
  const key = node.key as Node | undefined;
  return (id?.name as string | undefined) ?? (key?.name as string | undefined) ?? fallback;
}

/** The outermost functions of `text` (the source of `srcPath`) longer than `max` lines. */
export function longFunctions(srcPath: string, text: string, max = MAX_LINES): LongFunction[] {
  const ast = parse(text, { sourceType: "module", plugins: ["typescript"] });
  const out: LongFunction[] = [];
  const visit = (value: unknown, name: string): void => {
    if (!value || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v, name);
      return;
    }
    const node = value as Node;
    let here = name;
    if (node.type === "VariableDeclarator" || node.type === "ClassProperty") {
      here = nameOf(node, name);
    }
    if (FUNCTION.test(node.type) && node.loc) {
      const fn = nameOf(node, here || "(anonymous)");
      const lines = node.loc.end.line - node.loc.start.line + 1;
      // Closures count toward the function they are in: only the outermost long one is named.
      if (lines > max) {
        out.push({ key: `${srcPath}#${fn}`, line: node.loc.start.line, lines });
        return;
      }
      visit(node.body, fn);
      return;
    }
    for (const [k, v] of Object.entries(node)) {
      if (k !== "loc" && !k.endsWith("Comments")) visit(v, here);
    }
  };
  visit(ast.program, "");
  return out;
}

/** Problems with `found` against the allow-lists: new or grown long functions, stale entries. */
export function checkSizes(
  found: readonly LongFunction[],
  allowed: Readonly<Record<string, string>> = PARSERS_AND_TABLES,
  toCut: Readonly<Record<string, number>> = TO_CUT,
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const f of found) {
    seen.add(f.key);
    if (f.key in allowed) continue;
    const today = toCut[f.key];
    if (today === undefined) {
      problems.push(
        `${f.key.replace("#", `:${f.line} `)} is ${f.lines} lines (at most ${MAX_LINES}): ` +
          "cut it into named steps",
      );
    } else if (f.lines > today) {
      problems.push(
        `${f.key.replace("#", `:${f.line} `)} grew to ${f.lines} lines (listed at ${today} in ` +
          "TO_CUT): cut it instead",
      );
    }
  }
  for (const key of [...Object.keys(allowed), ...Object.keys(toCut)]) {
    if (!seen.has(key)) {
      problems.push(
        `${key} is no longer over ${MAX_LINES} lines: remove it from tools/check_size.ts`,
      );
    }
  }
  return problems;
}

async function sources(root: string, dir: string, out: string[]): Promise<string[]> {
  for await (const e of Deno.readDir(join(root, dir))) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) await sources(root, path, out);
    else if (path.endsWith(".ts") && !path.endsWith("_test.ts")) out.push(path);
  }
  return out;
}

if (import.meta.main) {
  const root = Deno.args[0] ?? ".";
  const found: LongFunction[] = [];
  for (const path of (await sources(root, "src", [])).sort()) {
    const rel = relative(root, join(root, path)).split(sep).join("/");
    found.push(...longFunctions(rel, await Deno.readTextFile(join(root, path))));
  }
  const problems = checkSizes(found);
  if (problems.length) {
    for (const p of problems) console.error(`check_size: ${p}`);
    Deno.exit(1);
  }
  const left = Object.keys(TO_CUT).length;
  console.log(
    `check_size: no new function over ${MAX_LINES} lines outside the parsers and tables` +
      (left ? `; ${left} listed in TO_CUT still to cut` : ""),
  );
}
