/**
 * `deno task compile`: builds standalone LAO binaries `dist/lao-<target>` with
 * the project's single permission set (`-P=lao` from deno.json), the unstable
 * options deno.json names, and every module LAO loads at run time by URL (the
 * file-tool Worker). Prompts, tool descriptions and the demo cassette are text
 * imports, so they are in the module graph and embedded without flags.
 *
 * `deno compile` needs Deno's runtime binary (`denort`) for each target. When it
 * is neither in Deno's cache nor downloadable, this prints one line that says so
 * and how to supply it (`DENORT_BIN`), and exits with
 * {@linkcode RUNTIME_UNAVAILABLE}.
 *
 * Usage: `deno task compile` (all targets), `deno task compile:host` (this
 * machine's target), or `... tools/compile.ts --target <triple>`.
 *
 * @module
 */

/** The targets a release is built for. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
] as const;

/** Modules LAO starts by URL at run time (Workers): `deno compile` must be told to include them. */
export const RUNTIME_MODULES = ["src/workspace/fs_worker.ts"] as const;

/** Exit code when the Deno runtime for a target cannot be had (sysexits' EX_UNAVAILABLE). */
export const RUNTIME_UNAVAILABLE = 69;

/** Exit code for a wrong invocation. */
const USAGE = 2;

/** What a compile attempt for one target came to. */
export type CompileOutcome =
  | { kind: "built"; output: string }
  | { kind: "runtime-unavailable"; message: string }
  | { kind: "failed"; message: string };

/** The arguments of `deno compile` for one target. */
export function compileArgs(target: string): string[] {
  const args = ["compile", "-q", "--no-check", "-P=lao", "--target", target];
  for (const module of RUNTIME_MODULES) args.push("--include", module);
  args.push("--output", `dist/lao-${target}`, "main.ts");
  return args;
}

/**
 * True when `deno compile`'s error output says the runtime binary could not be
 * set up or fetched (as opposed to a type error or an unwritable output).
 */
export function isRuntimeFailure(stderr: string): boolean {
  return /Setting up base binary|denort|error sending request|dns error|failed to lookup address/i
    .test(stderr);
}

/** The one line printed when the runtime for `target` cannot be had. */
export function runtimeUnavailableLine(target: string, deno: string): string {
  return `compile: Cannot build dist/lao-${target}: Deno's runtime for it (denort ${deno}) is ` +
    `not in Deno's cache and could not be downloaded; set DENORT_BIN to a denort ${deno} binary ` +
    `for ${target}, or build in the release workflow`;
}

/** Picks the targets from the command line. */
export function parseTargets(argv: readonly string[], host: string): string[] | string {
  if (argv.length === 0) return [...TARGETS];
  if (argv.length === 1 && argv[0] === "--host") return [host];
  const targets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--target" && argv[i + 1] !== undefined) {
      targets.push(argv[++i]!);
    } else {
      return `compile: unknown argument "${argv[i]}" (use --host or --target <triple>)`;
    }
  }
  const unknown = targets.find((t) => !(TARGETS as readonly string[]).includes(t));
  if (unknown) return `compile: unknown target "${unknown}" (one of ${TARGETS.join(", ")})`;
  return targets;
}

/**
 * Where a usable runtime for `target` is: `DENORT_BIN` when set, else Deno's
 * download cache (`<DENO_DIR>/dl/release/v<version>/denort-<target>.zip`), else
 * undefined (compiling would have to download it).
 */
export async function findRuntime(target: string, deno = "deno"): Promise<string | undefined> {
  const explicit = Deno.env.get("DENORT_BIN");
  if (explicit) return explicit;
  const info = await new Deno.Command(deno, { args: ["info", "--json"], stdout: "piped" }).output();
  if (!info.success) return undefined;
  const denoDir = (JSON.parse(new TextDecoder().decode(info.stdout)) as { denoDir?: string })
    .denoDir;
  if (!denoDir) return undefined;
  const zip = `${denoDir}/dl/release/v${Deno.version.deno}/denort-${target}.zip`;
  try {
    return Deno.statSync(zip).isFile ? zip : undefined;
  } catch {
    return undefined;
  }
}

/** Compiles one target with `deno` and classifies the outcome. */
export async function compileTarget(target: string, deno = "deno"): Promise<CompileOutcome> {
  const out = await new Deno.Command(deno, {
    args: compileArgs(target),
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  if (out.success) return { kind: "built", output: `dist/lao-${target}` };
  const stderr = new TextDecoder().decode(out.stderr);
  if (isRuntimeFailure(stderr)) {
    return {
      kind: "runtime-unavailable",
      message: runtimeUnavailableLine(target, Deno.version.deno),
    };
  }
  const first = stderr.split("\n").map((l) => l.trim())
    .find((l) => /^error/i.test(l)) ?? stderr.trim().split("\n")[0] ?? "unknown error";
  return { kind: "failed", message: `compile: Cannot build dist/lao-${target}: ${first}` };
}

async function main(argv: string[]): Promise<number> {
  const targets = parseTargets(argv, Deno.build.target);
  if (typeof targets === "string") {
    console.error(targets);
    return USAGE;
  }
  const denort = Deno.env.get("DENORT_BIN");
  if (denort !== undefined && denort !== "") {
    try {
      if (!Deno.statSync(denort).isFile) throw new Error("not a file");
    } catch {
      console.error(`compile: DENORT_BIN is ${denort}, which is not a file`);
      return RUNTIME_UNAVAILABLE;
    }
    if (targets.length !== 1) {
      console.error(
        "compile: DENORT_BIN is one target's runtime: build one target (--host or --target <triple>)",
      );
      return USAGE;
    }
  }
  await Deno.mkdir("dist", { recursive: true });
  for (const target of targets) {
    const outcome = await compileTarget(target);
    if (outcome.kind === "built") {
      console.log(`built ${outcome.output}`);
      continue;
    }
    console.error(outcome.message);
    return outcome.kind === "runtime-unavailable" ? RUNTIME_UNAVAILABLE : 1;
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
