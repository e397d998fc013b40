/**
 * The one policy table of what a sandboxed command sees of the host. Both
 * backends (bubblewrap on Linux, Seatbelt on macOS) are generated from it,
 * so they express the same intent:
 *
 * - writable: the workspace and a private temp folder;
 * - read-only: what toolchains need (system folders) and `tools.shell.home_allow`;
 * - masked inside the visible folders: password hashes, sudo rules, ssh host keys;
 * - not visible: everything else (the config folder, `.lao/`, other plans'
 *   workspaces, `/root`, `/home`, `/run`, `/var`, `/srv`, `/mnt`, `/media`),
 *   and so no filesystem unix socket outside the workspace.
 *
 * Inside the workspace, `.git` (or a read-only empty placeholder when there is
 * none) and `.lao/` are read-only.
 *
 * @module
 */

/** Linux system folders bound read-only (each only when it exists; symlinks are recreated). */
export const LINUX_READ_ONLY: readonly string[] = [
  "/usr",
  "/bin",
  "/sbin",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/etc",
];

/**
 * `/opt` is not visible as a whole (other projects and their keys may live
 * there); only toolchains under it that are on `PATH` are, each by its root
 * (the parent of a `bin` folder), read-only.
 */
export function optToolchainRoots(path: string): string[] {
  const roots = new Set<string>();
  for (const raw of path.split(":")) {
    const dir = raw.replace(/\/+$/, "");
    if (!dir.startsWith("/opt/") || dir.split("/").some((p) => p === "..")) continue;
    const root = dir.endsWith("/bin") || dir.endsWith("/sbin")
      ? dir.slice(0, dir.lastIndexOf("/"))
      : dir;
    if (root.split("/").length > 2) roots.add(root);
  }
  return [...roots];
}

/**
 * Folders under `/var` a toolchain needs, bound read-only. Empty by default:
 * nothing under `/var` is visible. `/var/tmp` gets a private tmpfs instead.
 */
export const LINUX_VAR_ALLOW: readonly string[] = [];

/** Private, size-capped scratch folders (tmpfs) on Linux. */
export const LINUX_PRIVATE_TMP: readonly string[] = ["/tmp", "/var/tmp", "/dev/shm"];

/** Secret files and folders under `/etc` masked with an empty file or folder (Linux). */
export const ETC_SECRETS: readonly string[] = [
  "/etc/shadow",
  "/etc/shadow-",
  "/etc/gshadow",
  "/etc/gshadow-",
  "/etc/sudoers",
  "/etc/sudoers.d",
  "/etc/security/opasswd",
  "/etc/ssl/private",
];

/** Folder holding ssh host keys; its `ssh_host_*` files are masked. */
export const SSH_HOST_KEY_DIR = "/etc/ssh";

/** True for an ssh host key file name (private or public). */
export function isSshHostKey(name: string): boolean {
  return name.startsWith("ssh_host_");
}

/** macOS folders readable by sandboxed commands (besides the workspace, temp and home_allow). */
export const MACOS_READ_ONLY: readonly string[] = [
  "/usr",
  "/bin",
  "/sbin",
  "/opt",
  "/System",
  "/Library",
  "/Applications",
  "/private/etc",
  "/private/var/db/timezone",
  "/dev",
];

/** macOS secret paths never readable, even inside {@linkcode MACOS_READ_ONLY}. */
export const MACOS_SECRETS: readonly string[] = [
  "/private/etc/master.passwd",
  "/private/etc/sudoers",
  "/private/etc/sudoers.d",
  "/private/etc/ssh",
  "/Library/Keychains",
];

/** Names inside the workspace that sandboxed commands may read but never write. */
export const WORKSPACE_READ_ONLY: readonly string[] = [".git", ".lao"];

/** Default resource limits of one sandboxed command. */
export const DEFAULT_LIMITS = {
  /** Processes alive at once in one command (cgroup `pids.max`, and RLIMIT_NPROC). */
  processes: 512,
  /** Address space of one process, in bytes (RLIMIT_AS). */
  memoryBytes: 8 * 1024 ** 3,
  /** CPU seconds of one process (RLIMIT_CPU). */
  cpuSeconds: 600,
  /** Largest file a command may write, in bytes (RLIMIT_FSIZE). */
  fileSizeBytes: 1024 ** 3,
  /** Largest growth of the workspace during one command, in bytes. */
  workspaceGrowthBytes: 2 * 1024 ** 3,
  /** Size of each private tmpfs (`/tmp`, `/var/tmp`, `/dev/shm`, the empty home), in bytes. */
  tmpfsBytes: 512 * 1024 ** 2,
} as const;
