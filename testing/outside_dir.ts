/**
 * Where tests put a project that must live outside `/tmp` and `$HOME` (the
 * attack harness: a folder the sandbox shows read-only, so hiding LAO's
 * config folder is not left to a hidden parent).
 *
 * @module
 */

/**
 * The environment variable `deno task test` sets to such a folder of its
 * own (a private tmpfs, see `tools/check_and_test.ts`).
 */
export const OUTSIDE_ENV = "LAO_TEST_OUTSIDE";

/** The system folders tried, in order, when no folder is given. */
export const OUTSIDE_CANDIDATES = ["/opt", "/var/tmp"] as const;

/**
 * The first of {@linkcode OUTSIDE_CANDIDATES} this process can create a
 * folder in, or `undefined`.
 */
export async function writableOutside(): Promise<string | undefined> {
  for (const dir of OUTSIDE_CANDIDATES) {
    try {
      const probe = await Deno.makeTempDir({ dir, prefix: "lao_outside_probe_" });
      await Deno.remove(probe);
      return dir;
    } catch {
      // not writable
    }
  }
  return undefined;
}

/**
 * The folder for such projects: the one `deno task test` gave
 * ({@linkcode OUTSIDE_ENV}), else the first writable candidate, else a new
 * temporary folder.
 */
export async function outsideParent(): Promise<string> {
  return Deno.env.get(OUTSIDE_ENV) || (await writableOutside()) || await Deno.makeTempDir();
}
