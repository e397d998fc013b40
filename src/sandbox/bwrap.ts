/**
 * Argument builder for bubblewrap (Linux). The view of the host is built
 * from an explicit list ({@link ./host_view.ts}), never `--ro-bind / /`:
 * system folders read-only with their secrets masked, private size-capped
 * tmpfs for `/tmp`, `/var/tmp`, `/dev/shm` and the home folder (configured
 * toolchain folders bound back read-only), the workspace read-write with its
 * `.git` (or an empty placeholder) and `.lao` read-only. The command runs in
 * new user, pid, ipc, uts (and network, unless granted) namespaces with every
 * capability dropped, in a new session, and dies with its parent.
 *
 * @module
 */

/** One top-level system entry of the view: a folder bound read-only, or a symlink recreated. */
export type SystemEntry =
  | { kind: "dir"; path: string }
  | { kind: "symlink"; path: string; target: string };

/** A path masked inside a visible folder: files get an empty file, folders an empty folder. */
export interface MaskEntry {
  /** Absolute path. */
  path: string;
  /** Whether it is a folder. */
  dir: boolean;
}

/** How the workspace's `.git` is mounted. */
export type GitMount =
  | { kind: "read-only"; path: string }
  | { kind: "placeholder"; path: string }
  | { kind: "none" };

/** Inputs of {@linkcode bwrapArgs}. */
export interface BwrapProfile {
  /** Real path of the workspace (bound read-write). */
  root: string;
  /** System entries (from {@link ./host_view.ts}), in order. */
  system: readonly SystemEntry[];
  /** Secrets masked inside the system folders. */
  masks: readonly MaskEntry[];
  /** Folders inside visible trees that must not be seen (e.g. the config folder). */
  hidden?: readonly string[];
  /** Real path of `$HOME` (replaced by an empty private folder), or undefined. */
  home?: string;
  /** Real paths of folders under `$HOME` to show read-only. */
  homeAllow: readonly string[];
  /** How `.git` is mounted. */
  git: GitMount;
  /** Other existing real paths inside the workspace to re-bind read-only (e.g. `.lao`). */
  readOnly: readonly string[];
  /** Allow network access. */
  network: boolean;
  /** Working directory inside the sandbox (default `root`). */
  cwd?: string;
  /** Size of each private tmpfs in bytes; omitted for bwrap without `--size`. */
  tmpfsBytes?: number;
  /** Pass `--disable-userns` (bwrap 0.8+). */
  disableUserns?: boolean;
  /** Command prefix run inside the sandbox before `/bin/sh -c` (e.g. prlimit and its flags). */
  limitPrefix?: readonly string[];
}

/** Namespace and privilege flags shared by the profile and the probe. */
function isolationFlags(disableUserns: boolean): string[] {
  const args = [
    "--new-session",
    "--die-with-parent",
    "--unshare-user",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
  ];
  if (disableUserns) args.push("--disable-userns");
  args.push("--cap-drop", "ALL");
  return args;
}

/** A private tmpfs at `path`, size-capped when `bytes` is given. */
function tmpfs(path: string, bytes: number | undefined): string[] {
  return bytes === undefined ? ["--tmpfs", path] : ["--size", String(bytes), "--tmpfs", path];
}

/**
 * Returns bwrap's arguments for running `sh -c command` under `profile`.
 * The environment is passed by the caller (the process is spawned with a
 * cleared environment), so no `--setenv` flags are needed.
 */
export function bwrapArgs(profile: BwrapProfile, command: string): string[] {
  const size = profile.tmpfsBytes;
  const args = isolationFlags(profile.disableUserns ?? true);
  if (!profile.network) args.push("--unshare-net");
  for (const e of profile.system) {
    if (e.kind === "dir") args.push("--ro-bind", e.path, e.path);
    else args.push("--symlink", e.target, e.path);
  }
  args.push("--dev", "/dev", ...tmpfs("/dev/shm", size), "--remount-ro", "/dev");
  args.push("--proc", "/proc", ...tmpfs("/tmp", size), ...tmpfs("/var/tmp", size));
  for (const m of profile.masks) {
    if (m.dir) args.push("--tmpfs", m.path, "--remount-ro", m.path);
    else args.push("--ro-bind", "/dev/null", m.path);
  }
  const lateReadOnly: string[] = [];
  for (const h of profile.hidden ?? []) {
    args.push("--tmpfs", h);
    lateReadOnly.push(h);
  }
  if (profile.home !== undefined && profile.home !== "/" && profile.home !== profile.root) {
    args.push(...tmpfs(profile.home, size));
    for (const dir of profile.homeAllow) args.push("--ro-bind-try", dir, dir);
  }
  // The workspace comes after every tmpfs so nothing shadows it.
  args.push("--bind", profile.root, profile.root);
  if (profile.git.kind === "read-only") args.push("--ro-bind", profile.git.path, profile.git.path);
  if (profile.git.kind === "placeholder") {
    args.push("--tmpfs", profile.git.path);
    lateReadOnly.push(profile.git.path);
  }
  for (const path of profile.readOnly) args.push("--ro-bind", path, path);
  for (const path of lateReadOnly) args.push("--remount-ro", path);
  args.push("--chdir", profile.cwd ?? profile.root, "--");
  args.push(...(profile.limitPrefix ?? []), "/bin/sh", "-c", command);
  return args;
}

/**
 * The arguments used to probe whether bwrap can create its namespaces here,
 * with the same isolation flags as real commands (`modern`: bwrap 0.8+ flags).
 */
export function bwrapProbeArgs(modern = true): string[] {
  return [
    ...isolationFlags(modern),
    "--unshare-net",
    "--ro-bind",
    "/",
    "/",
    "--dev",
    "/dev",
    "--proc",
    "/proc",
    ...tmpfs("/tmp", modern ? 1024 * 1024 : undefined),
    "--",
    "/bin/sh",
    "-c",
    "true",
  ];
}
