/**
 * Seatbelt profile generator for macOS (`/usr/bin/sandbox-exec -p ...`).
 * Reads are allowed except secret folders under `$HOME`; writes only to the
 * workspace (minus `.git/hooks` and `.git/config`), the session temp folder
 * and `/dev/null`; the network is denied unless granted.
 *
 * Paths are passed as `-D` parameters, never spliced into the profile text.
 *
 * @module
 */

/** Absolute path of sandbox-exec (never looked up on PATH). */
export const SANDBOX_EXEC = "/usr/bin/sandbox-exec";

/** Inputs of {@linkcode seatbeltArgs}. */
export interface SeatbeltProfile {
  /** Real path of the workspace. */
  root: string;
  /** Real path of the per-session temp folder. */
  tmp: string;
  /** Real path of `$HOME`, or undefined. */
  home?: string;
  /** Allow network access. */
  network: boolean;
}

/** Folders under `$HOME` never readable by commands. */
const HOME_SECRETS = [".ssh", ".aws", ".gnupg", ".config/gcloud", ".kube", ".docker", ".netrc"];

/** Builds the profile text (parameters are referenced with `(param "NAME")`). */
export function seatbeltProfileText(profile: SeatbeltProfile): string {
  const lines = [
    "(version 1)",
    "(deny default)",
    "(allow process-exec process-fork signal (target same-sandbox))",
    "(allow process-info* (target same-sandbox))",
    "(allow sysctl-read)",
    '(allow mach-lookup (global-name "com.apple.system.opendirectoryd.libinfo"))',
    "(allow file-read*)",
    '(allow file-ioctl (literal "/dev/null") (literal "/dev/tty"))',
    "(allow pseudo-tty)",
    '(allow file-write-data (literal "/dev/null"))',
    '(allow file-write* (require-all (subpath (param "ROOT"))' +
    ' (require-not (subpath (param "ROOT_GIT_HOOKS")))' +
    ' (require-not (literal (param "ROOT_GIT_CONFIG")))))',
    '(allow file-write* (subpath (param "TMP")))',
  ];
  if (profile.home !== undefined) {
    HOME_SECRETS.forEach((_, i) => lines.push(`(deny file-read* (subpath (param "SECRET_${i}")))`));
  }
  if (profile.network) lines.push("(allow network*)");
  return lines.join("\n");
}

/** Returns sandbox-exec's arguments for running `sh -c command` under `profile`. */
export function seatbeltArgs(profile: SeatbeltProfile, command: string): string[] {
  const params = [
    `-DROOT=${profile.root}`,
    `-DROOT_GIT_HOOKS=${profile.root}/.git/hooks`,
    `-DROOT_GIT_CONFIG=${profile.root}/.git/config`,
    `-DTMP=${profile.tmp}`,
  ];
  if (profile.home !== undefined) {
    HOME_SECRETS.forEach((s, i) => params.push(`-DSECRET_${i}=${profile.home}/${s}`));
  }
  return ["-p", seatbeltProfileText(profile), ...params, "--", "/bin/sh", "-c", command];
}
