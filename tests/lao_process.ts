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
    env: { NO_COLOR: "1", ...opts.env },
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
 * Creates a temp project with `plans/example_plan.md` and a `factory.yaml`
 * pointing at `serverUrl` (rework cooldown off), plus `extraYaml` lines
 * under `orchestration:`/other sections as given.
 */
export async function exampleProject(serverUrl: string, extraYaml = ""): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "lao_project_" });
  await Deno.mkdir(`${dir}/plans`);
  await Deno.copyFile(`${REPO}/plans/example_plan.md`, `${dir}/plans/example_plan.md`);
  await Deno.writeTextFile(
    `${dir}/factory.yaml`,
    `lm_studio_base_url: ${serverUrl}\nserver:\n  kind: lmstudio\n${extraYaml}`,
  );
  return dir;
}

/** Starts `lao ARGS` in `dir` as a child process (stdout and stderr piped). */
export function spawnLao(dir: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(denoPath(), {
    args: [...laoCommand(), ...args],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}
