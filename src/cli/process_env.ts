/**
 * What the CLI reads of its process before any command: the environment
 * (a variable LAO may not read counts as unset) and whether the folder is a
 * filesystem root.
 *
 * @module
 */

/** Reads an environment variable; one LAO may not read counts as unset. */
export function safeEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** True for `/` and a Windows drive root. */
export function isFilesystemRoot(cwd: string): boolean {
  return cwd === "/" || /^[A-Za-z]:[\\/]?$/.test(cwd);
}
