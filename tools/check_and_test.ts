/**
 * `deno task test`, all its steps side by side: the checks (`deno fmt
 * --check`, `deno lint`, `deno check` of every folder, and the three
 * architecture scripts: workspace I/O, layers, function size) and the test
 * suite (`deno test --no-check`, the
 * {@linkcode SHARDS} shards of `testing/shards.ts`, all at once). The tests'
 * output streams as usual; the checks' come after it, one line each (fmt's
 * and lint's only when they fail: their file lists and findings). Exit 1
 * when any fails.
 *
 * The tests create and delete some 50,000 files and folders (temporary
 * projects, git repositories, workspaces). Where bubblewrap can mount one,
 * their temporary folder (`TMPDIR`) is a private tmpfs, seen by the test
 * process and its children alone and gone when they end
 * ({@linkcode scratchCommand}): on an ext4 disk without a journal, as on
 * this project's CI machines, each new file is slower to create the more
 * files were deleted in the last minute (perf: git creating its files was
 * about a tenth of the suite's CPU time). Without bubblewrap the tests run
 * as they are.
 * `LAO_TEST_SCRATCH=disk` keeps them on the disk.
 *
 * The tests start `python3` some forty times (LAO's syntax checks, the
 * sandbox's limits). Where `python3` on `PATH` is a version manager's shim
 * (pyenv's runs about 35 processes before the interpreter), the tests get
 * the interpreter's own folder first on their `PATH`: the same interpreter,
 * without the shim's processes ({@linkcode interpreterPath}).
 *
 * Usage: `deno run --allow-run=deno,python3,bwrap --allow-env=PATH,LAO_TEST_SCRATCH --allow-write tools/check_and_test.ts`
 * (from the repository's root)
 *
 * @module
 */
import { OUTSIDE_ENV, writableOutside } from "../testing/outside_dir.ts";
import { SHARDS } from "../testing/shards.ts";

/** The folders `deno check` covers: every TypeScript file of the repository but fixtures. */
export const CHECKED = ["main.ts", "src", "tests", "bench", "tools", "testing"] as const;

/**
 * The checks run beside the tests: a name and the `deno` arguments of each.
 * `deno fmt --check` and `deno lint` run with the rest rather than before the
 * tests, so the task never waits on them alone, and one run reports every
 * failing check beside the tests' results.
 */
export const CHECKS: readonly (readonly [string, readonly string[]])[] = [
  ["deno fmt", ["fmt", "--check"]],
  ["deno lint", ["lint"]],
  ["deno check", ["check", "-q", ...CHECKED]],
  ["workspace I/O", ["run", "-q", "--allow-read=.", "tools/check_workspace_io.ts"]],
  ["layers", ["run", "-q", "--allow-read=.", "tools/check_layers.ts", "--check-docs"]],
  ["function size", ["run", "-q", "--allow-read=.", "tools/check_size.ts"]],
];

/** The checks whose output is shown only when they fail ("Checked 650 files" says nothing). */
const QUIET_WHEN_OK = new Set(["deno fmt", "deno lint"]);

/** The test command's arguments: the suite as its shards, all at once (`DENO_JOBS`). */
export const TEST_ARGS: readonly string[] = [
  "test",
  "-P=lao-test",
  "--parallel",
  "--no-check",
  ...Array.from({ length: SHARDS }, (_, i) => `testing/shard_${i + 1}.ts`),
];

/**
 * `PATH` with the folder of the interpreter `python3` runs (its
 * `sys.executable`) in front, unless it is first already; `path` unchanged
 * when there is no `python3` or it cannot say where it lives.
 */
export async function interpreterPath(path: string): Promise<string> {
  let executable = "";
  try {
    const out = await new Deno.Command("python3", {
      args: ["-I", "-c", "import sys; print(sys.executable)"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    if (out.success) executable = new TextDecoder().decode(out.stdout).trim();
  } catch {
    return path;
  }
  return withFirst(path, executable);
}

/** `path` with the folder of `executable` (an absolute path) first, unless it already is. */
export function withFirst(path: string, executable: string): string {
  const slash = executable.lastIndexOf("/");
  if (!executable.startsWith("/") || slash < 0) return path;
  const dir = executable.slice(0, slash) || "/";
  const dirs = path.split(":").filter((d) => d !== "");
  if (dirs[0] === dir) return path;
  return [dir, ...dirs].join(":");
}

/**
 * The program and arguments that run `deno ...args` with a private tmpfs
 * mounted over each of `dirs` (existing, empty folders): bubblewrap gives
 * the command a mount namespace of its own in which every other path is what
 * it is outside (`--dev-bind / /`). Processes, network and users are shared;
 * each tmpfs goes with the last process that sees it.
 */
export function scratchCommand(
  dirs: readonly string[],
  args: readonly string[],
): [string, string[]] {
  const mounts = dirs.flatMap((d) => ["--tmpfs", d]);
  return ["bwrap", ["--dev-bind", "/", "/", ...mounts, "--die-with-parent", "--", "deno", ...args]];
}

/** Whether bubblewrap can mount a tmpfs over `dirs` here (no bubblewrap, no namespaces: false). */
export async function canMountScratch(dirs: readonly string[]): Promise<boolean> {
  const [program, args] = scratchCommand(dirs, ["--version"]);
  try {
    const out = await new Deno.Command(program, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/**
 * The scratch folders of one run: `TMPDIR`, and the folder for projects that
 * must live outside `/tmp` and `$HOME` ({@linkcode OUTSIDE_ENV}) when a system
 * folder is writable. Empty when `LAO_TEST_SCRATCH` is `disk`.
 */
async function scratchDirs(): Promise<Record<string, string>> {
  if (Deno.env.get("LAO_TEST_SCRATCH") === "disk") return {};
  const dirs: Record<string, string> = {
    TMPDIR: await Deno.makeTempDir({ prefix: "lao_test_scratch_" }),
  };
  const outside = await writableOutside();
  if (outside) dirs[OUTSIDE_ENV] = await Deno.makeTempDir({ dir: outside, prefix: "lao_test_" });
  return dirs;
}

/**
 * Runs the tests (`deno` with {@linkcode TEST_ARGS}, then `extra`): on
 * private tmpfs scratch folders when bubblewrap can mount them (and
 * `LAO_TEST_SCRATCH` is not `disk`), else as they are. Resolves to their
 * exit status once the scratch folders are removed.
 */
export async function runTests(
  env: Record<string, string>,
  extra: readonly string[] = [],
): Promise<Deno.CommandStatus> {
  const jobs = { DENO_JOBS: String(SHARDS) };
  const scratch = await scratchDirs();
  const dirs = Object.values(scratch);
  try {
    if (dirs.length > 0 && await canMountScratch(dirs)) {
      const [program, args] = scratchCommand(dirs, [...TEST_ARGS, ...extra]);
      return await new Deno.Command(program, { args, env: { ...env, ...jobs, ...scratch } })
        .spawn().status;
    }
    return await new Deno.Command("deno", {
      args: [...TEST_ARGS, ...extra],
      env: { ...env, ...jobs },
    }).spawn().status;
  } finally {
    for (const d of dirs) await Deno.remove(d, { recursive: true }).catch(() => {});
  }
}

/** What one check printed and whether it passed. */
export interface CheckOutcome {
  name: string;
  success: boolean;
  output: string;
}

/**
 * The lines the checks add after the tests' report, and whether they all
 * passed: each check's own output (fmt's and lint's only when they fail),
 * `deno check: ok` or `FAILED`, and `<name>: FAILED` for any other failing
 * check. Pure.
 */
export function checkReport(outcomes: readonly CheckOutcome[]): { lines: string[]; ok: boolean } {
  const lines: string[] = [];
  let ok = true;
  for (const { name, success, output } of outcomes) {
    const report = output.trim();
    if (report && (!QUIET_WHEN_OK.has(name) || !success)) lines.push(report);
    if (name === "deno check") lines.push(success ? "deno check: ok" : "deno check: FAILED");
    else if (!success) lines.push(`${name}: FAILED`);
    ok &&= success;
  }
  return { lines, ok };
}

/** Runs the checks and the tests; resolves to the exit code (0 when all passed). */
export async function checkAndTest(): Promise<number> {
  const decoder = new TextDecoder();
  const checks = CHECKS.map(([name, args]) =>
    new Deno.Command("deno", { args: [...args], stdout: "piped", stderr: "piped" }).output()
      .then((out): CheckOutcome => ({
        name,
        success: out.success,
        output: decoder.decode(out.stdout) + decoder.decode(out.stderr),
      }))
  );
  const path = await interpreterPath(Deno.env.get("PATH") ?? "");
  const tests = await runTests({ PATH: path });
  const { lines, ok } = checkReport(await Promise.all(checks));
  for (const line of lines) console.error(line);
  return tests.success && ok ? 0 : 1;
}

if (import.meta.main) Deno.exit(await checkAndTest());
