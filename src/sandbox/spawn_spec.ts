/**
 * How one shell command is started under the runner's backend: bubblewrap
 * with its mounts, prlimit prefix and (when one can be made) a command
 * cgroup; Seatbelt with a `ulimit` prologue; or plain `sh -c`. The
 * environment is always the allowlisted one.
 *
 * @module
 */
import { bwrapArgs } from "./bwrap.ts";
import { cgroupLauncher, type CommandCgroup, createCommandCgroup } from "./cgroup.ts";
import { buildShellEnv } from "./env.ts";
import { LINUX_READ_ONLY } from "./host_view.ts";
import { etcMasks, hiddenFolders, systemEntries, workspaceMounts } from "./linux_view.ts";
import type { SandboxBackend } from "./probe.ts";
import { seatbeltArgs } from "./seatbelt.ts";
import type { ShellLimits, ShellRunnerOptions } from "./shell.ts";

/** How one command is started, and what to clean up afterwards. */
export interface SpawnSpec {
  program: string;
  args: string[];
  env: Record<string, string>;
  cgroup?: CommandCgroup;
  placeholder?: string;
}

/** What {@linkcode spawnSpec} reads from its runner. */
export interface SpawnInput {
  options: ShellRunnerOptions;
  getEnv: (name: string) => string | undefined;
  limits: Required<ShellLimits>;
}

/** The `prlimit` prefix run inside the sandbox, or none without prlimit. */
function limitPrefix(prlimit: string | undefined, l: Required<ShellLimits>): string[] {
  if (prlimit === undefined) return [];
  return [
    prlimit,
    `--nproc=${l.processes}`,
    `--as=${l.memoryBytes}`,
    `--cpu=${l.cpuSeconds}`,
    `--fsize=${l.fileSizeBytes}`,
    "--",
  ];
}

function envInput(s: SpawnInput) {
  return {
    getEnv: s.getEnv,
    envAllow: s.options.envAllow ?? [],
    networkDisabled: s.options.backend.kind !== "none" && !s.options.network,
  };
}

type Bwrap = Extract<SandboxBackend, { kind: "bwrap" }>;

async function bwrapSpec(
  s: SpawnInput,
  b: Bwrap,
  command: string,
  cwd: string,
): Promise<SpawnSpec> {
  const o = s.options;
  const home = o.home ?? s.getEnv("HOME");
  const system = await systemEntries();
  const homeAllow = o.homeAllow ?? [];
  const visible = [...LINUX_READ_ONLY, ...homeAllow];
  const mounts = await workspaceMounts(o.root);
  const args = bwrapArgs({
    root: o.root,
    system,
    masks: await etcMasks(),
    hidden: hiddenFolders(o.root, o.hidden ?? [], visible),
    home,
    homeAllow,
    git: mounts.git,
    readOnly: mounts.readOnly,
    network: o.network,
    cwd,
    ...(b.legacy ? { disableUserns: false } : { tmpfsBytes: s.limits.tmpfsBytes }),
    limitPrefix: limitPrefix(b.prlimit, s.limits),
  }, command);
  const env = buildShellEnv({
    ...envInput(s),
    home: home ?? o.root,
    tmpdir: "/tmp",
    sandbox: "bwrap",
  });
  const cgroup = await createCommandCgroup(s.limits);
  const placeholder = mounts.createdPlaceholder;
  if (cgroup === undefined) return { program: b.path, args, env, placeholder };
  return {
    program: "sh",
    args: cgroupLauncher(cgroup.paths, b.path, args),
    env,
    cgroup,
    placeholder,
  };
}

async function seatbeltSpec(s: SpawnInput, path: string, command: string): Promise<SpawnSpec> {
  const o = s.options;
  const home = o.home ?? s.getEnv("HOME");
  const tmpdir = s.getEnv("TMPDIR") ?? "/tmp";
  const l = s.limits;
  // Seatbelt has no limits of its own: the shell's ulimit applies them (-f in 512-byte blocks).
  const prologue = `ulimit -f ${
    Math.floor(l.fileSizeBytes / 512)
  } -t ${l.cpuSeconds} -u ${l.processes} 2>/dev/null; `;
  const args = seatbeltArgs({
    root: o.root,
    tmp: await Deno.realPath(tmpdir),
    home,
    homeAllow: o.homeAllow ?? [],
    network: o.network,
  }, prologue + command);
  const env = buildShellEnv({ ...envInput(s), home: home ?? o.root, tmpdir, sandbox: "seatbelt" });
  return { program: path, args, env };
}

/** Builds program, args and env for `command` (run in `cwd`) under the runner's backend. */
export async function spawnSpec(s: SpawnInput, command: string, cwd: string): Promise<SpawnSpec> {
  const b = s.options.backend;
  if (b.kind === "bwrap") return await bwrapSpec(s, b, command, cwd);
  if (b.kind === "seatbelt") return await seatbeltSpec(s, b.path, command);
  const home = s.options.home ?? s.getEnv("HOME");
  const tmpdir = s.getEnv("TMPDIR") ?? "/tmp";
  const env = buildShellEnv({
    ...envInput(s),
    home: home ?? s.options.root,
    tmpdir,
    sandbox: "none",
  });
  return { program: "sh", args: ["-c", command], env };
}
