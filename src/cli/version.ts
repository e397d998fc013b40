/**
 * LAO's version and what the running build may do, read from deno.json: the
 * version, the Deno runtime, the target triple and the `lao` permission set
 * the binary is compiled with (the one set every task and test also uses).
 *
 * @module
 */
import denoJson from "../../deno.json" with { type: "json" };

/** LAO's version. */
export const VERSION: string = denoJson.version;

/** The name of the permission set in deno.json that LAO runs and is compiled with. */
export const PERMISSION_SET = "lao";

/** The `lao` permission set exactly as deno.json defines it. */
export type PermissionSet = typeof denoJson.permissions.lao;

/** What `lao version --json` prints. */
export interface VersionInfo {
  /** LAO's version (deno.json `version`). */
  version: string;
  /** The Deno runtime's version. */
  deno: string;
  /** The target triple this build runs on, e.g. `x86_64-unknown-linux-gnu`. */
  target: string;
  /** True when running as a `deno compile` binary rather than from source. */
  compiled: boolean;
  /** The permission set's name and its grants. */
  permissions: { set: string; grants: PermissionSet };
}

/** Returns the version document for this build. */
export function versionInfo(): VersionInfo {
  return {
    version: VERSION,
    deno: Deno.version.deno,
    target: Deno.build.target,
    compiled: isCompiled(),
    permissions: { set: PERMISSION_SET, grants: denoJson.permissions.lao },
  };
}

/** True inside a `deno compile` binary (its main module lives in Deno's virtual compile folder). */
function isCompiled(): boolean {
  return /[\\/]deno-compile-[^\\/]+[\\/]/.test(Deno.mainModule) ||
    !/[\\/]deno(\.exe)?$/.test(Deno.execPath());
}
