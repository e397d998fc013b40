/**
 * Runs LAO exactly as users' scripts do:
 * `deno run --config <repo>/deno.json -P=lao <repo>/main.ts ARGS` from any folder.
 *
 * @module
 */

/** Absolute path of the repository root. */
export const REPO = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Result of one LAO invocation. */
export interface LaoResult {
  code: number;
  stdout: string;
  /** stderr without Deno's own notices about the permission set. */
  stderr: string;
}

/** Deno's own notices (config permissions are experimental, unresolvable run entries); run with NO_COLOR. */
export function withoutDenoNotices(stderr: string): string {
  return stderr.split("\n").filter((l) =>
    !/^(Warning|Info) (Permissions in the config file|Failed to resolve)/
      .test(l)
  ).join("\n");
}

let resolvedDeno: string | undefined;

/** `deno` as found on the test's PATH (so a child's own PATH does not change which binary runs). */
export function denoPath(): string {
  if (!resolvedDeno) {
    const path = Deno.env.get("PATH") ?? "";
    for (const dir of path.split(":")) {
      try {
        if (Deno.statSync(`${dir}/deno`).isFile) {
          resolvedDeno = `${dir}/deno`;
          break;
        }
      } catch {
        // not in this folder
      }
    }
  }
  return resolvedDeno ?? "deno";
}

let resolvedDenoDir: string | undefined;

/**
 * Deno's cache folder as this test process sees it (`deno info --json`).
 * Children get it as `DENO_DIR`, so a test that points `HOME` elsewhere still
 * runs LAO from the warm cache instead of downloading its npm packages.
 */
export function denoDir(): string {
  if (resolvedDenoDir === undefined) {
    const out = new Deno.Command(denoPath(), {
      args: ["info", "--json"],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    const info: unknown = JSON.parse(new TextDecoder().decode(out.stdout));
    const dir = typeof info === "object" && info !== null && "denoDir" in info
      ? info.denoDir
      : undefined;
    if (typeof dir !== "string" || dir === "") {
      throw new Error("deno info --json did not name a denoDir");
    }
    resolvedDenoDir = dir;
  }
  return resolvedDenoDir;
}

/** The environment every LAO child starts from: no colour, the test's Deno cache. */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { NO_COLOR: "1", DENO_DIR: denoDir(), ...extra };
}

/** The argv prefix that runs LAO from source. */
export function laoCommand(): string[] {
  return ["run", "--config", `${REPO}/deno.json`, "-P=lao", `${REPO}/main.ts`];
}

/** Runs LAO in `cwd` and collects its output. */
export async function runLao(
  cwd: string,
  args: string[],
  opts: { env?: Record<string, string>; stdin?: string } = {},
): Promise<LaoResult> {
  const child = new Deno.Command(denoPath(), {
    args: [...laoCommand(), ...args],
    cwd,
    env: childEnv(opts.env),
    stdin: opts.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(opts.stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: withoutDenoNotices(dec.decode(out.stderr)),
  };
}

/**
 * `models:` lines giving every role a 1 MB model, so the memory gate finds the
 * next model fits at its first reading whatever this machine has free. With
 * the real sizes (17-21 GB) a busy host made each swap wait out
 * `memory_gate.settle_timeout_s` (60 s); the gate's own behaviour is tested
 * with a fake probe in `src/models/memory/gate_test.ts`.
 */
export const SMALL_MODELS_YAML = ["planner", "pilot", "coder", "reviewer"]
  .map((role) => `  ${role}:\n    size_bytes: 1000000\n`).join("");

/**
 * Creates a temp project with `plans/example_plan.md` and a `factory.yaml`
 * pointing at `serverUrl` with {@linkcode SMALL_MODELS_YAML}, plus
 * `extraYaml` (other top-level sections, e.g. `orchestration:`).
 */
export async function exampleProject(serverUrl: string, extraYaml = ""): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "lao_project_" });
  await Deno.mkdir(`${dir}/plans`);
  await Deno.copyFile(`${REPO}/plans/example_plan.md`, `${dir}/plans/example_plan.md`);
  await Deno.writeTextFile(
    `${dir}/factory.yaml`,
    `lm_studio_base_url: ${serverUrl}\nserver:\n  kind: lmstudio\nmodels:\n${SMALL_MODELS_YAML}${extraYaml}`,
  );
  return dir;
}

/** Starts `lao ARGS` in `dir` as a child process (stdout and stderr piped). */
export function spawnLao(dir: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(denoPath(), {
    args: [...laoCommand(), ...args],
    cwd: dir,
    env: childEnv(),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Reads a child's output as it arrives and waits for what it prints. */
export class OutputWatcher {
  #reader: ReadableStreamDefaultReader<string>;
  #ended = false;
  /** Everything read so far. */
  text = "";

  /** Watches `stream` (a child's piped stdout or stderr). */
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }

  /**
   * Resolves once the output so far matches `pattern`; rejects when the output
   * ends without it (so a waiting test fails instead of hanging when LAO exits).
   */
  async waitFor(pattern: RegExp): Promise<string> {
    while (!pattern.test(this.text)) {
      if (this.#ended || !(await this.#readOnce())) {
        throw new Error(`the output ended before ${pattern}:\n${this.text}`);
      }
    }
    return this.text;
  }

  /** Reads to the end of the output and returns all of it. */
  async rest(): Promise<string> {
    while (!this.#ended && await this.#readOnce()) { /* keep reading */ }
    return this.text;
  }

  /** Stops reading (the rest of the output is discarded). */
  async cancel(): Promise<void> {
    this.#ended = true;
    await this.#reader.cancel().catch(() => {});
  }

  async #readOnce(): Promise<boolean> {
    const { value, done } = await this.#reader.read();
    if (done) {
      this.#ended = true;
      return false;
    }
    this.text += value;
    return true;
  }
}
