/**
 * Checks a repository's own configuration before LAO's git uses it.
 *
 * System and global configuration are never read (see `runner.ts`), so the
 * repository's `config` (and `config.worktree`) is the only configuration
 * git sees besides LAO's `-c` settings. Keys fall in two groups:
 *
 * - **Refused** ({@linkcode refusedKey}): keys that define a program under a
 *   name the repository chooses, so no fixed override can cover them: filter
 *   drivers (`filter.*`, run by `git add` and checkout for any path whose
 *   in-tree `.gitattributes` names the driver), diff drivers
 *   (`diff.*.command`, `diff.*.textconv`, `diff.external`), merge drivers
 *   (`merge.*.driver`), trailer commands, configured hooks (`hook.*`) and
 *   includes (`include.*`, `includeIf.*`: they pull in files the check would
 *   not see). While any is present LAO does not run git in that repository.
 *   Because no driver is then configured anywhere, an attribute naming one
 *   is inert.
 * - **Watched** ({@linkcode watchedKey}): keys of fixed name that name or
 *   enable a program (hooks folder, fsmonitor, signing, editors, pagers,
 *   transports, credentials, aliases, `core.worktree`). `runner.ts` overrides
 *   each on every call, so they are harmless; a change after LAO first met
 *   the repository is still reported as tampering.
 *
 * The files are parsed by git itself (`git config --file … --no-includes
 * --list -z`, with no repository), after a check that each is a small
 * regular file, so the check and git can never read a file differently and
 * a FIFO or `/dev/zero` cannot hang LAO.
 *
 * @module
 */
import { join } from "node:path";
import { readSmallFile } from "./safe_read.ts";
import type { GitRunner } from "./runner.ts";

/** What {@linkcode inspectConfig} found. */
export type ConfigInspection =
  | {
    ok: true;
    /** Watched entries as `key=value`, sorted (compare with the recorded ones). */
    watched: string[];
  }
  | {
    ok: false;
    /** One-line reason, e.g. `.git/config defines filter.x.clean`. */
    problem: string;
  };

/** Largest config file LAO accepts (bytes). */
const MAX_CONFIG_BYTES = 1 << 20;

/** True for a key (lower-cased section and name) that defines a program LAO cannot override. */
export function refusedKey(key: string): boolean {
  const parts = key.split(".");
  const section = parts[0] ?? "";
  const name = parts.at(-1) ?? "";
  const sub = parts.length > 2;
  if (["filter", "include", "includeif", "hook"].includes(section)) return true;
  if (section === "diff") {
    return key === "diff.external" || (sub && /^(command|textconv)$/.test(name));
  }
  if (section === "merge") return sub && name === "driver";
  if (section === "trailer") return sub && /^(command|cmd)$/.test(name);
  return false;
}

const WATCHED_CORE = new Set([
  "core.hookspath",
  "core.fsmonitor",
  "core.sshcommand",
  "core.gitproxy",
  "core.pager",
  "core.editor",
  "core.askpass",
  "core.worktree",
  "core.attributesfile",
  "core.alternaterefscommand",
  "sequence.editor",
  "commit.gpgsign",
  "tag.gpgsign",
  "log.showsignature",
]);
const WATCHED_SECTIONS = new Set([
  "gpg",
  "credential",
  "alias",
  "pager",
  "uploadpack",
  "receive",
  "protocol",
]);

/** True for a key of fixed name that names or turns on a program (overridden on every call). */
export function watchedKey(key: string): boolean {
  if (WATCHED_CORE.has(key)) return true;
  const parts = key.split(".");
  if (WATCHED_SECTIONS.has(parts[0] ?? "")) return true;
  return parts[0] === "remote" && /^(uploadpack|receivepack|proxy)$/.test(parts.at(-1) ?? "");
}

/** Parses `git config --list -z` output into `[key, value]` pairs (a bare key has value `""`). */
export function parseConfigList(stdout: string): [string, string][] {
  return stdout.split("\0").filter((r) => r !== "").map((record) => {
    const cut = record.indexOf("\n");
    return cut < 0 ? [record, ""] : [record.slice(0, cut), record.slice(cut + 1)];
  });
}

/**
 * Checks the config files of a repository: `commonDir/config` and, when
 * present, `gitDir/config.worktree`. `label` names the git folder in
 * messages (e.g. `.git`). Never throws.
 */
export async function inspectConfig(
  runner: GitRunner,
  dirs: { gitDir: string; commonDir: string },
  label: string,
): Promise<ConfigInspection> {
  const files = [
    { path: join(dirs.commonDir, "config"), name: `${label}/config` },
    { path: join(dirs.gitDir, "config.worktree"), name: `${label}/config.worktree` },
  ];
  const watched: string[] = [];
  for (const file of files) {
    const read = await readSmallFile(file.path, MAX_CONFIG_BYTES);
    if (read.kind === "missing") continue;
    if (read.kind === "bad") return { ok: false, problem: `${file.name} ${read.why}` };
    const entries = listedConfigs.get(read.text) ?? await listConfig(runner, file, dirs.gitDir);
    if (typeof entries === "string") return { ok: false, problem: entries };
    remember(read.text, entries);
    for (const [key, value] of entries) {
      if (refusedKey(key)) return { ok: false, problem: `${file.name} defines ${key}` };
      if (watchedKey(key)) watched.push(`${key}=${value}`);
    }
  }
  return { ok: true, watched: watched.sort() };
}

/**
 * Entries of config files git already listed, by their exact bytes: with
 * `--no-includes` the listing depends on the content alone, so a file that
 * did not change since the last check needs no new git process (git skips
 * a UTF-8 byte-order mark, which the decoder drops too).
 */
const listedConfigs = new Map<string, [string, string][]>();
const LISTED_LIMIT = 64;

function remember(text: string, entries: [string, string][]): void {
  // A replacement character may stand for any invalid bytes: only a lossless read is a key.
  if (listedConfigs.has(text) || text.includes("\uFFFD")) return;
  if (listedConfigs.size >= LISTED_LIMIT) {
    listedConfigs.delete(listedConfigs.keys().next().value!);
  }
  listedConfigs.set(text, entries);
}

/** `git config --file … --list` of one file: its entries, or a one-line problem. */
async function listConfig(
  runner: GitRunner,
  file: { path: string; name: string },
  gitDir: string,
): Promise<[string, string][] | string> {
  const listed = await runner.run(
    ["config", "--file", file.path, "--no-includes", "--list", "-z"],
    { cwd: gitDir },
  );
  if (!listed.ok) {
    return listed.silent ? listed.error : `${file.name} cannot be parsed (${listed.error})`;
  }
  return parseConfigList(listed.stdout);
}
