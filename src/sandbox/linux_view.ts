/**
 * Turns the policy table ({@link ./host_view.ts}) into the concrete bwrap
 * mounts for one workspace on this host: which system folders exist (and
 * which are symlinks, e.g. `/bin -> usr/bin`), which secrets to mask, which
 * folders to hide because they sit inside a visible tree, and how `.git` is
 * mounted.
 *
 * @module
 */
import { dirname, join } from "node:path";
import type { GitMount, MaskEntry, SystemEntry } from "./bwrap.ts";
import {
  ETC_SECRETS,
  isSshHostKey,
  LINUX_READ_ONLY,
  LINUX_VAR_ALLOW,
  optToolchainRoots,
  SSH_HOST_KEY_DIR,
  WORKSPACE_READ_ONLY,
} from "./host_view.ts";
import { isInside } from "../workspace/path_rules.ts";

/** The host-dependent part of a bwrap profile. */
export interface LinuxView {
  /** System entries, in order. */
  system: SystemEntry[];
  /** Secrets to mask. */
  masks: MaskEntry[];
  /** Folders to hide (inside a visible tree). */
  hidden: string[];
  /** How `.git` is mounted. */
  git: GitMount;
  /** Other read-only paths inside the workspace. */
  readOnly: string[];
  /** Placeholder `.git` folder created on the host for the mount (remove after the command). */
  createdPlaceholder?: string;
}

const lstat = (p: string) => Deno.lstat(p).catch(() => undefined);

/** The system entries of the policy table that exist here. */
export async function systemEntries(): Promise<SystemEntry[]> {
  const out: SystemEntry[] = [];
  const opt = optToolchainRoots(Deno.env.get("PATH") ?? "");
  for (const path of [...LINUX_READ_ONLY, ...LINUX_VAR_ALLOW, ...opt]) {
    const info = await lstat(path);
    if (info === undefined) continue;
    if (info.isSymlink) {
      const target = await Deno.readLink(path).catch(() => undefined);
      if (target !== undefined) out.push({ kind: "symlink", path, target });
    } else if (info.isDirectory) {
      out.push({ kind: "dir", path });
    }
  }
  return out;
}

/** The secrets under `/etc` that exist here (ssh host keys included). */
export async function etcMasks(): Promise<MaskEntry[]> {
  const out: MaskEntry[] = [];
  for (const path of ETC_SECRETS) {
    const info = await lstat(path);
    if (info !== undefined && !info.isSymlink) out.push({ path, dir: info.isDirectory });
  }
  try {
    for await (const e of Deno.readDir(SSH_HOST_KEY_DIR)) {
      if (e.isFile && isSshHostKey(e.name)) {
        out.push({ path: join(SSH_HOST_KEY_DIR, e.name), dir: false });
      }
    }
  } catch {
    // No /etc/ssh.
  }
  return out;
}

/**
 * Folders to hide: each of `candidates` (plus the workspace's parent, which
 * usually is the config folder) that lies inside a visible tree. Folders
 * outside every visible tree are invisible already.
 */
export function hiddenFolders(
  root: string,
  candidates: readonly string[],
  visible: readonly string[],
): string[] {
  const out = new Set<string>();
  for (const c of [dirname(root), ...candidates]) {
    if (c === "/") continue;
    if (isInside(root, c)) continue; // inside the workspace: handled by the read-only rules
    if (visible.some((v) => isInside(v, c))) out.add(c);
  }
  return [...out];
}

/** How to mount `.git` and `.lao` of `root`; may create an empty `.git` mount point. */
export async function workspaceMounts(
  root: string,
): Promise<Pick<LinuxView, "git" | "readOnly" | "createdPlaceholder">> {
  const gitPath = join(root, WORKSPACE_READ_ONLY[0] ?? ".git");
  const info = await lstat(gitPath);
  let git: GitMount;
  let createdPlaceholder: string | undefined;
  if (info === undefined) {
    await Deno.mkdir(gitPath);
    createdPlaceholder = gitPath;
    git = { kind: "placeholder", path: gitPath };
  } else if (info.isSymlink) {
    // A planted link: mount an empty read-only folder over it.
    git = { kind: "placeholder", path: gitPath };
  } else {
    git = { kind: "read-only", path: gitPath };
  }
  const readOnly: string[] = [];
  for (const name of WORKSPACE_READ_ONLY.slice(1)) {
    const p = join(root, name);
    const i = await lstat(p);
    if (i !== undefined && !i.isSymlink) readOnly.push(p);
  }
  return { git, readOnly, createdPlaceholder };
}

/** Removes the placeholder `.git` created for a command when it is still empty. */
export async function removePlaceholder(path: string | undefined): Promise<void> {
  if (path === undefined) return;
  await Deno.remove(path).catch(() => {}); // non-recursive: a non-empty folder stays
}
