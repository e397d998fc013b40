/**
 * Explains a missing Deno permission in one line (when someone runs LAO with
 * narrower flags than the `lao` permission set), instead of a stack trace.
 *
 * @module
 */

const WHY: Record<string, string> = {
  read: "to read the config, plans and plan workspaces",
  write: "to write the state database and plan workspaces",
  net: "to reach the model server",
  env: "to read LAO's environment variables",
  run: "to run git, the sandbox launcher and validators",
  sys: "to read system memory for the memory gate",
};

/**
 * Returns a one-line explanation when `err` is a permission error, else null.
 * Deno's own refusal (`NotCapable`: a grant missing from the flags) names the
 * grant; the operating system's (`PermissionDenied`: EACCES on a file LAO is
 * allowed to touch) names the file and says -P=lao would not help.
 */
export function permissionHint(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  if (err.name === "PermissionDenied") {
    const path = /(?:, |: )(?:open|stat|mkdir|rename|remove|lstat|realpath|readdir)?\s*'([^']+)'/
      .exec(err.message)?.[1];
    return `the operating system denied access${path ? ` to ${path}` : ""} (${
      err.message.split(":")[0]
    }): check that folder's owner and permissions`;
  }
  if (err.name !== "NotCapable") return null;
  const m = /Requires (\w+) access(?: to "?([^",]+)"?)?/.exec(err.message);
  const kind = m?.[1] ?? "unknown";
  const target = m?.[2] ? ` to ${m[2]}` : "";
  const flag = kind === "all" ? "--allow-all" : `--allow-${kind}`;
  return `missing permission: ${kind} access${target} is needed ${
    WHY[kind] ?? "for this command"
  }; run with -P=lao (the permission set in deno.json) or add ${flag}${m?.[2] ? `=${m[2]}` : ""}`;
}
