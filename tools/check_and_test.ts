/**
 * The last steps of `deno task test`, side by side: the checks (`deno check`
 * of every folder, and the three architecture scripts: workspace I/O,
 * layers, function size) and the test suite (`deno test --no-check`, the two
 * shards of `testing/shards.ts`). The suite alone leaves part of the
 * machine's two cores idle (tests waiting on terminals, timeouts and child
 * processes), which the single-threaded checks fill. The tests' output streams as usual; the checks'
 * come after it, one line each. Exit 1 when any fails.
 *
 * The tests start `python3` some forty times (LAO's syntax checks, the
 * sandbox's limits). Where `python3` on `PATH` is a version manager's shim
 * (pyenv's runs about 35 processes before the interpreter), the tests get
 * the interpreter's own folder first on their `PATH`: the same interpreter,
 * without the shim's processes ({@linkcode interpreterPath}).
 *
 * Usage: `deno run --allow-run=deno,python3 --allow-env=PATH tools/check_and_test.ts` (from
 * the repository's root)
 *
 * @module
 */

/** The folders `deno check` covers: every TypeScript file of the repository but fixtures. */
export const CHECKED = ["main.ts", "src", "tests", "bench", "tools", "testing"] as const;

/** The checks run beside the tests: a name and the `deno` arguments of each. */
export const CHECKS: readonly (readonly [string, readonly string[]])[] = [
  ["deno check", ["check", "-q", ...CHECKED]],
  ["workspace I/O", ["run", "-q", "--allow-read=.", "tools/check_workspace_io.ts"]],
  ["layers", ["run", "-q", "--allow-read=.", "tools/check_layers.ts", "--check-docs"]],
  ["function size", ["run", "-q", "--allow-read=.", "tools/check_size.ts"]],
];

/** The test command's arguments (the suite as its two shards). */
export const TEST_ARGS = [
  "test",
  "-P=lao-test",
  "--parallel",
  "--no-check",
  "testing/shard_1.ts",
  "testing/shard_2.ts",
] as const;

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

/** Runs the checks and the tests; resolves to the exit code (0 when all passed). */
export async function checkAndTest(): Promise<number> {
  const checks = CHECKS.map(([name, args]) =>
    new Deno.Command("deno", { args: [...args], stdout: "piped", stderr: "piped" }).output()
      .then((out) => ({ name, out }))
  );
  const path = await interpreterPath(Deno.env.get("PATH") ?? "");
  const tests = await new Deno.Command("deno", { args: [...TEST_ARGS], env: { PATH: path } })
    .spawn().status;
  const decoder = new TextDecoder();
  let ok = tests.success;
  for (const { name, out } of await Promise.all(checks)) {
    const report = (decoder.decode(out.stdout) + decoder.decode(out.stderr)).trim();
    if (report) console.error(report);
    if (name === "deno check") console.error(out.success ? "deno check: ok" : "deno check: FAILED");
    else if (!out.success) console.error(`${name}: FAILED`);
    ok &&= out.success;
  }
  return ok ? 0 : 1;
}

if (import.meta.main) Deno.exit(await checkAndTest());
