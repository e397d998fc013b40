/**
 * Argument builder for bubblewrap (Linux). Read-only root, private `/dev`,
 * `/proc` and `/tmp`, `$HOME` hidden behind a tmpfs (configured toolchain
 * folders bound back read-only), the workspace bound read-write last, its
 * `.git/hooks` and `.git/config` re-bound read-only, no network unless
 * granted, new session, own pid/ipc/uts namespaces, dies with its parent.
 *
 * @module
 */

/** Inputs of {@linkcode bwrapArgs}. */
export interface BwrapProfile {
  /** Real path of the workspace (bound read-write). */
  root: string;
  /** Real path of `$HOME` (hidden), or undefined when unknown. */
  home?: string;
  /** Real paths of folders under `$HOME` to show read-only. */
  homeAllow: readonly string[];
  /** Existing real paths inside the workspace to re-bind read-only (e.g. `.git/hooks`). */
  readOnly: readonly string[];
  /** Workspace folders bound onto themselves (read-write) so they cannot be renamed away. */
  pinned?: readonly string[];
  /** Missing folders inside the workspace to mount as empty read-only folders. */
  emptyReadOnly?: readonly string[];
  /** Allow network access. */
  network: boolean;
  /** Working directory inside the sandbox (default `root`). */
  cwd?: string;
}

/**
 * Returns bwrap's arguments for running `sh -c command` under `profile`.
 * The environment is passed by the caller (the process is spawned with a
 * cleared environment), so no `--setenv` flags are needed.
 */
export function bwrapArgs(profile: BwrapProfile, command: string): string[] {
  const args = [
    "--new-session",
    "--die-with-parent",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
  ];
  if (!profile.network) args.push("--unshare-net");
  args.push("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp");
  if (profile.home !== undefined && profile.home !== "/" && profile.home !== profile.root) {
    args.push("--tmpfs", profile.home);
    for (const dir of profile.homeAllow) args.push("--ro-bind-try", dir, dir);
  }
  // The workspace comes after every tmpfs so nothing shadows it.
  args.push("--bind", profile.root, profile.root);
  for (const path of profile.pinned ?? []) args.push("--bind", path, path);
  for (const path of profile.readOnly) args.push("--ro-bind", path, path);
  for (const path of profile.emptyReadOnly ?? []) args.push("--tmpfs", path, "--remount-ro", path);
  args.push("--chdir", profile.cwd ?? profile.root, "--", "/bin/sh", "-c", command);
  return args;
}

/** The arguments used to probe whether bwrap can create its namespaces here. */
export function bwrapProbeArgs(): string[] {
  return [
    "--new-session",
    "--die-with-parent",
    "--unshare-pid",
    "--unshare-net",
    "--ro-bind",
    "/",
    "/",
    "--dev",
    "/dev",
    "--proc",
    "/proc",
    "--",
    "/bin/sh",
    "-c",
    "true",
  ];
}
