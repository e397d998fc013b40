/**
 * Seatbelt profile generator for macOS (`/usr/bin/sandbox-exec -p ...`),
 * expressing the same intent as the bwrap view ({@link ./host_view.ts}):
 * reads only of the system folders (secrets masked), the workspace, the
 * session temp folder and `tools.shell.home_allow`; writes only to the
 * workspace (never its `.git` or `.lao`, not even creating them), the temp
 * folder and `/dev/null`; no unix socket; IP network only when granted.
 *
 * Paths are passed as `-D` parameters, never spliced into the profile text.
 *
 * @module
 */
import { MACOS_READ_ONLY, MACOS_SECRETS, WORKSPACE_READ_ONLY } from "./host_view.ts";

/** Absolute path of sandbox-exec (never looked up on PATH). */
export const SANDBOX_EXEC = "/usr/bin/sandbox-exec";

/** Inputs of {@linkcode seatbeltArgs}. */
export interface SeatbeltProfile {
  /** Real path of the workspace. */
  root: string;
  /** Real path of the per-session temp folder. */
  tmp: string;
  /** Real path of `$HOME`, or undefined (not readable either way). */
  home?: string;
  /** Real paths of folders under `$HOME` to show read-only. */
  homeAllow?: readonly string[];
  /** Allow IP network access (unix sockets stay denied). */
  network: boolean;
}

/** Builds the profile text (parameters are referenced with `(param "NAME")`). */
export function seatbeltProfileText(profile: SeatbeltProfile): string {
  const readable = [
    ...MACOS_READ_ONLY.map((_, i) => `(subpath (param "SYS_${i}"))`),
    ...(profile.homeAllow ?? []).map((_, i) => `(subpath (param "HOME_ALLOW_${i}"))`),
    '(subpath (param "ROOT"))',
    '(subpath (param "TMP"))',
  ];
  const protectedWs = WORKSPACE_READ_ONLY.map((_, i) =>
    ` (require-not (subpath (param "ROOT_RO_${i}")))`
  ).join("");
  const lines = [
    "(version 1)",
    "(deny default)",
    "(allow process-exec process-fork signal (target same-sandbox))",
    "(allow process-info* (target same-sandbox))",
    "(allow sysctl-read)",
    '(allow mach-lookup (global-name "com.apple.system.opendirectoryd.libinfo"))',
    // Metadata (existence, size) of any path, so path lookups work; contents only as listed.
    "(allow file-read-metadata)",
    `(allow file-read* ${readable.join(" ")})`,
    ...MACOS_SECRETS.map((_, i) => `(deny file-read* (subpath (param "SECRET_${i}")))`),
    '(allow file-ioctl (literal "/dev/null") (literal "/dev/tty"))',
    "(allow pseudo-tty)",
    '(allow file-write-data (literal "/dev/null"))',
    `(allow file-write* (require-all (subpath (param "ROOT"))${protectedWs}))`,
    '(allow file-write* (subpath (param "TMP")))',
  ];
  if (profile.network) {
    lines.push(
      "(allow system-socket)",
      '(allow network-outbound (remote ip "*:*"))',
      '(allow network-inbound (local ip "*:*"))',
      "(allow network-bind (local ip))",
    );
  }
  return lines.join("\n");
}

/** Returns sandbox-exec's arguments for running `sh -c command` under `profile`. */
export function seatbeltArgs(profile: SeatbeltProfile, command: string): string[] {
  const params = [
    `-DROOT=${profile.root}`,
    ...WORKSPACE_READ_ONLY.map((name, i) => `-DROOT_RO_${i}=${profile.root}/${name}`),
    `-DTMP=${profile.tmp}`,
    ...MACOS_READ_ONLY.map((p, i) => `-DSYS_${i}=${p}`),
    ...(profile.homeAllow ?? []).map((p, i) => `-DHOME_ALLOW_${i}=${p}`),
    ...MACOS_SECRETS.map((p, i) => `-DSECRET_${i}=${p}`),
  ];
  return ["-p", seatbeltProfileText(profile), ...params, "--", "/bin/sh", "-c", command];
}
