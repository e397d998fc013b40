/**
 * The hint about toolchains on PATH that a home-hiding sandbox hides from
 * commands (e.g. `~/.pyenv`), with the pure search behind it.
 *
 * @module
 */

/**
 * Folders directly under `home` that hold PATH entries but are hidden from
 * sandboxed commands (not under `homeAllow`), e.g. `/home/u/.pyenv` for
 * `/home/u/.pyenv/shims`.
 */
export function hiddenToolchains(
  path: string,
  home: string,
  homeAllow: readonly string[],
): string[] {
  const under = (p: string, dir: string) =>
    p === dir || p.startsWith(dir.endsWith("/") ? dir : `${dir}/`);
  const found = new Set<string>();
  for (const entry of path.split(":")) {
    if (!entry || !under(entry, home) || entry === home) continue;
    if (homeAllow.some((allowed) => under(entry, allowed))) continue;
    const first = entry.slice(home.length).split("/").filter(Boolean)[0];
    if (first) found.add(`${home.replace(/\/$/, "")}/${first}`);
  }
  return [...found];
}

/** The hint about toolchains on PATH that a home-hiding sandbox hides, or null. */
export function toolchainWarning(homeAllow: readonly string[]): string | null {
  const home = Deno.env.get("HOME");
  if (!home) return null;
  const hidden = hiddenToolchains(Deno.env.get("PATH") ?? "", home, homeAllow);
  if (!hidden.length) return null;
  const short = hidden.map((h) => h.replace(home, "~"));
  return `commands in the sandbox cannot see ${
    short.join(", ")
  } (on your PATH, under your home); add what they need to tools.shell.home_allow`;
}
