/**
 * Python syntax analyzer: compiles the
 * source **in memory** with `python3`, so no `__pycache__` is written into the
 * workspace, and reports workspace-relative paths.
 *
 * @module
 */
import { type Finding, validatorFinding } from "./finding.ts";

/** Where and why Python refused a file. */
export interface SyntaxIssue {
  line: number | null;
  column: number | null;
  message: string;
}

/** Result of a Python syntax check. */
export type PythonCheckResult =
  | { kind: "ok" }
  | { kind: "error"; issue: SyntaxIssue }
  | { kind: "unavailable"; reason: string };

/** Port: checks Python source `content` of workspace-relative `path`. */
export type PythonChecker = (path: string, content: string) => Promise<PythonCheckResult>;

/**
 * The interpreter flags of every check: isolated (`-I`: no user site, no
 * environment variables, no script folder on `sys.path`) and without the
 * `site` module (`-S`: the checks need only `compile` and `json`, and
 * `site`'s start-up, with its `.pth` files, costs most of an interpreter's
 * start: ~30 ms of ~40 ms on a pyenv Python).
 */
export const PYTHON_FLAGS = ["-I", "-S"] as const;

const SCRIPT = `
import sys, json
src = sys.stdin.buffer.read()
try:
    compile(src, sys.argv[1], "exec", dont_inherit=True)
    print("null")
except SyntaxError as e:
    print(json.dumps({"line": e.lineno, "column": e.offset, "message": e.msg}))
except ValueError as e:
    print(json.dumps({"line": None, "column": None, "message": str(e)}))
`;

/**
 * The production {@linkcode PythonChecker}: pipes the source to
 * `python3 -I -S -c <compile script> <path>`. Returns `unavailable` when python3
 * is not installed or fails unexpectedly.
 */
export async function python3Checker(path: string, content: string): Promise<PythonCheckResult> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("python3", {
      args: [...PYTHON_FLAGS, "-c", SCRIPT, path],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    const reason = err instanceof Deno.errors.NotFound
      ? "python3 is not installed"
      : `python3 cannot be started: ${err instanceof Error ? err.message : String(err)}`;
    return { kind: "unavailable", reason };
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(content));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const out = new TextDecoder().decode(stdout).trim();
  if (code !== 0) {
    const detail = new TextDecoder().decode(stderr).trim().split("\n").at(-1) ?? "";
    return { kind: "unavailable", reason: `python3 exited with code ${code}: ${detail}` };
  }
  const parsed = JSON.parse(out) as SyntaxIssue | null;
  return parsed === null ? { kind: "ok" } : { kind: "error", issue: parsed };
}

/**
 * The Python of one check, shared by the one-shot script and the long-lived
 * server's loop: `check(item)` is None or `{line, column, message}`.
 */
export const PY_CHECK_FUNCTION = `
import sys, json
def check(item):
    try:
        compile(item["src"].encode("utf-8", "replace"), item["path"], "exec", dont_inherit=True)
        return None
    except SyntaxError as e:
        return {"line": e.lineno, "column": e.offset, "message": e.msg}
    except ValueError as e:
        return {"line": None, "column": None, "message": str(e)}
`;

const BATCH_SCRIPT = `${PY_CHECK_FUNCTION}
items = json.loads(sys.stdin.buffer.read().decode("utf-8", "surrogatepass"))
print(json.dumps([check(item) for item in items]))
`;
/** Checks several Python files; one result per file, in order. */
export type PythonBatchChecker = (
  files: { path: string; content: string }[],
) => Promise<PythonCheckResult[]>;

/** Results of files already checked, by path and content (a rework often leaves files unchanged). */
const checkedCache = new Map<string, PythonCheckResult>();
const CACHE_LIMIT = 512;

/**
 * The production {@linkcode PythonBatchChecker}: every file of a task in one
 * `python3 -I -S` process (in memory, nothing written), and no process at all for
 * files whose exact content was checked before.
 */
export function python3BatchChecker(
  files: { path: string; content: string }[],
): Promise<PythonCheckResult[]> {
  return cachedPythonChecks(files, runBatch);
}

/**
 * Answers `files` from the cache of checked content, sending only the rest to
 * `run` (one call, in order); remembers every answer but `unavailable`.
 */
export async function cachedPythonChecks(
  files: { path: string; content: string }[],
  run: PythonBatchChecker,
): Promise<PythonCheckResult[]> {
  const key = (f: { path: string; content: string }) => `${f.path}\0${f.content}`;
  const todo = files.filter((f) => !checkedCache.has(key(f)));
  const fresh = todo.length > 0 ? await run(todo) : [];
  for (const [i, f] of todo.entries()) {
    if (fresh[i]!.kind === "unavailable") continue;
    if (checkedCache.size >= CACHE_LIMIT) checkedCache.delete(checkedCache.keys().next().value!);
    checkedCache.set(key(f), fresh[i]!);
  }
  return files.map((f) => checkedCache.get(key(f)) ?? fresh[todo.indexOf(f)]!);
}

async function runBatch(files: { path: string; content: string }[]): Promise<PythonCheckResult[]> {
  const unavailable = (reason: string) =>
    files.map(() => ({ kind: "unavailable", reason } as const));
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("python3", {
      args: [...PYTHON_FLAGS, "-c", BATCH_SCRIPT],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    return unavailable(
      err instanceof Deno.errors.NotFound
        ? "python3 is not installed"
        : `python3 cannot be started: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const writer = child.stdin.getWriter();
  const payload = files.map((f) => ({ path: f.path, src: f.content }));
  await writer.write(new TextEncoder().encode(JSON.stringify(payload)));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  if (code !== 0) {
    const detail = new TextDecoder().decode(stderr).trim().split("\n").at(-1) ?? "";
    return unavailable(`python3 exited with code ${code}: ${detail}`);
  }
  const parsed = JSON.parse(new TextDecoder().decode(stdout)) as (SyntaxIssue | null)[];
  return parsed.map((p) => p === null ? { kind: "ok" } : { kind: "error", issue: p });
}

/** Turns a Python syntax issue into a major `python_compile_error` finding. */
export function pythonFinding(path: string, issue: SyntaxIssue): Finding {
  const where = issue.line === null
    ? ""
    : `:${issue.line}${issue.column ? `:${issue.column}` : ""}`;
  return validatorFinding({
    severity: "major",
    file_path: path,
    issue_class: "python_compile_error",
    message: `Cannot compile "${path}${where}": ${issue.message}`,
    fix_hint: "Fix the Python syntax error at the reported position.",
    analyzer_id: "python_compile",
    analyzer_kind: "compiler",
    confidence: 0.98,
  });
}

/** Runs `checker` on one file and returns its findings (an `info` note when Python is missing). */
export async function checkPython(
  path: string,
  content: string,
  checker: PythonChecker = python3Checker,
): Promise<Finding[]> {
  return pythonFindings(path, await checker(path, content));
}

/** The findings of one file's result (an `info` note when Python is missing). */
export function pythonFindings(path: string, result: PythonCheckResult): Finding[] {
  if (result.kind === "ok") return [];
  if (result.kind === "error") return [pythonFinding(path, result.issue)];
  return [validatorFinding({
    severity: "info",
    file_path: path,
    issue_class: "python_check_unavailable",
    message: `Cannot check "${path}": ${result.reason}`,
    analyzer_id: "python_compile",
    analyzer_kind: "compiler",
    confidence: 1,
  })];
}
