/**
 * Sandbox backend detection. The backend is probed, never assumed: on Linux
 * bwrap must be found on `PATH` *and* actually start its namespaces (this
 * catches Ubuntu's AppArmor userns block and container denials); on macOS
 * `/usr/bin/sandbox-exec` must run a tiny profile. Elsewhere: none.
 *
 * @module
 */
import { join } from "node:path";
import { bwrapProbeArgs } from "./bwrap.ts";
import { type CgroupSupport, probeCgroups } from "./cgroup.ts";
import { SANDBOX_EXEC } from "./seatbelt.ts";

/** A usable (or not) sandbox backend, with the reason when there is none. */
export type SandboxBackend =
  | {
    kind: "bwrap";
    path: string;
    prlimit?: string;
    legacy?: boolean;
    /** Which per-command cgroups this host allows (absent: not probed). */
    cgroups?: CgroupSupport;
  }
  | { kind: "seatbelt"; path: string }
  | { kind: "none"; reason: string; remedy?: string };

/** Result of running a probe command. */
export interface ProbeRun {
  /** Exit code. */
  code: number;
  /** Captured stderr text. */
  stderr: string;
}

/** The world the probe looks at; injectable for tests. */
export interface ProbeDeps {
  /** `Deno.build.os`. */
  os: string;
  /** The `PATH` to search. */
  path: string;
  /** True when `file` exists and is an executable regular file. */
  isExecutable: (file: string) => Promise<boolean>;
  /** Runs `program args` with a null stdin and returns its exit code and stderr. */
  run: (program: string, args: string[]) => Promise<ProbeRun>;
  /** Makes and removes one test cgroup per kind (absent: cgroups are not probed). */
  cgroups?: () => Promise<CgroupSupport>;
}

/** Finds `name` in the `:`-separated `path`, or undefined. */
export async function whichIn(
  name: string,
  path: string,
  isExecutable: ProbeDeps["isExecutable"],
): Promise<string | undefined> {
  for (const dir of path.split(":")) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Probes the best sandbox backend available in `deps`' world. */
export async function probeSandbox(deps: ProbeDeps): Promise<SandboxBackend> {
  if (deps.os === "linux") {
    const bwrap = await whichIn("bwrap", deps.path, deps.isExecutable);
    if (bwrap === undefined) {
      return {
        kind: "none",
        reason: "bwrap not found on PATH",
        remedy: "install it: sudo apt install bubblewrap",
      };
    }
    const probe = (modern: boolean) =>
      deps.run(bwrap, bwrapProbeArgs(modern)).catch((err: Error) => ({
        code: -1,
        stderr: err.message,
      }));
    let run = await probe(true);
    let legacy = false;
    if (run.code !== 0 && /Unknown option|unrecognized/i.test(run.stderr)) {
      // bwrap before 0.8: no --disable-userns / --size.
      run = await probe(false);
      legacy = run.code === 0;
    }
    if (run.code !== 0) {
      const detail = run.stderr.trim().split("\n").at(-1) ?? "";
      return {
        kind: "none",
        reason: `bwrap failed: "${detail}"`,
        remedy: /uid map|Permission denied|Operation not permitted/.test(detail)
          ? "allow unprivileged user namespaces (Ubuntu: an AppArmor profile for /usr/bin/bwrap)"
          : undefined,
      };
    }
    const prlimit = await whichIn("prlimit", deps.path, deps.isExecutable);
    const cgroups = await deps.cgroups?.();
    return {
      kind: "bwrap",
      path: bwrap,
      ...(prlimit === undefined ? {} : { prlimit }),
      ...(legacy ? { legacy } : {}),
      ...(cgroups === undefined ? {} : { cgroups }),
    };
  }
  if (deps.os === "darwin") {
    if (!(await deps.isExecutable(SANDBOX_EXEC))) {
      return { kind: "none", reason: `${SANDBOX_EXEC} not found` };
    }
    const run = await deps.run(SANDBOX_EXEC, ["-p", "(version 1)(allow default)", "/usr/bin/true"])
      .catch((err: Error) => ({ code: -1, stderr: err.message }));
    if (run.code !== 0) {
      return { kind: "none", reason: `sandbox-exec failed: "${run.stderr.trim()}"` };
    }
    return { kind: "seatbelt", path: SANDBOX_EXEC };
  }
  return { kind: "none", reason: `no sandbox backend for ${deps.os}` };
}

/** Checks that `file` is an executable regular file. */
async function isExecutable(file: string): Promise<boolean> {
  try {
    const info = await Deno.stat(file);
    return info.isFile && (info.mode === null || (info.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}

/** Runs a probe command with a null stdin. */
async function runProbe(program: string, args: string[]): Promise<ProbeRun> {
  const out = await new Deno.Command(program, {
    args,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    clearEnv: true,
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/** The real-world {@linkcode ProbeDeps} (PATH read from the environment unless given). */
export function realProbeDeps(path?: string): ProbeDeps {
  let envPath = path;
  if (envPath === undefined) {
    try {
      envPath = Deno.env.get("PATH") ?? "";
    } catch {
      envPath = "";
    }
  }
  return { os: Deno.build.os, path: envPath, isExecutable, run: runProbe, cgroups: probeCgroups };
}
