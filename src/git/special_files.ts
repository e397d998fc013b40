/**
 * Files in a workspace that would block or mislead LAO's own git: git opens
 * every `.gitignore` and `.gitattributes` it meets, and the `HEAD` of every
 * nested repository, with a plain blocking `open`, so a FIFO planted under
 * any of those names (or anywhere, as a task file git is asked to add) hangs
 * git until LAO's timeout, commit after commit. A device or socket is no
 * source file either, and a symlinked `.git*` file is not followed by recent
 * git but is by older ones.
 *
 * {@linkcode specialFileProblem} finds the first such entry outside the
 * repository's own `.git` by listing folders (a listing never opens what it
 * lists): in process for a small workspace, with `find` for a large one.
 *
 * @module
 */
import { join, relative } from "node:path";
import { errorMessage } from "../errors.ts";

/** How long the scan may take before LAO gives up on the workspace (ms). */
const SCAN_TIMEOUT_MS = 60_000;

/**
 * The `find` program: the first FIFO, socket or device anywhere in the
 * workspace except its top `.git`, or a symlink named like one of git's own
 * files (`.git*`, `.mailmap`). `find -P` never follows a link.
 */
const SCRIPT = `find -P "$0" -path "$0/.git" -prune -o ` +
  `\\( -type p -o -type s -o -type b -o -type c -o ` +
  `\\( -type l \\( -name '.git*' -o -name .mailmap \\) \\) \\) -print -quit`;

/**
 * A one-line problem when `workspace` holds an entry git must not meet, else
 * `""`. A scan that cannot run is a problem too (git then stays unused).
 */
export async function specialFileProblem(workspace: string): Promise<string> {
  const walked = await walkForSpecial(workspace);
  if (walked === "too_large") return await findSpecial(workspace);
  if (walked === null) return "";
  return `${relative(workspace, walked) || walked} is ${await kindOf(walked)}, which git would ` +
    "block on or misread (remove it)";
}

/** Entries LAO lists itself before it hands a large workspace to `find` (one process). */
const WALK_LIMIT = 4000;

/**
 * The same search as {@linkcode SCRIPT} in process, for a workspace of at
 * most {@linkcode WALK_LIMIT} entries (no process per commit): the first hit,
 * `null` for none, `"too_large"` past the limit or on any error (then `find` decides).
 * Directory entries carry their type, so nothing listed is opened.
 */
async function walkForSpecial(workspace: string): Promise<string | null | "too_large"> {
  const top = join(workspace, ".git");
  const dirs = [workspace];
  let seen = 0;
  try {
    for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
      for await (const entry of Deno.readDir(dir)) {
        if (++seen > WALK_LIMIT) return "too_large";
        const path = join(dir, entry.name);
        if (entry.isDirectory) {
          if (path !== top) dirs.push(path);
        } else if (entry.isSymlink) {
          if (entry.name.startsWith(".git") || entry.name === ".mailmap") return path;
        } else if (!entry.isFile) return path;
      }
    }
  } catch {
    return "too_large";
  }
  return null;
}

async function findSpecial(workspace: string): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), SCAN_TIMEOUT_MS);
  try {
    const out = await new Deno.Command("sh", {
      args: ["-c", SCRIPT, workspace],
      clearEnv: true,
      env: { PATH: "/usr/bin:/bin", LC_ALL: "C" },
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      signal: controller.signal,
    }).output();
    if (controller.signal.aborted) return `scanning ${workspace} for FIFOs and devices timed out`;
    const hit = new TextDecoder().decode(out.stdout).split("\n")[0]?.trim() ?? "";
    if (hit === "") return "";
    return `${relative(workspace, hit) || hit} is ${await kindOf(hit)}, which git would ` +
      "block on or misread (remove it)";
  } catch (err) {
    return `cannot scan ${workspace} for FIFOs and devices: ${errorMessage(err)}`;
  } finally {
    clearTimeout(timer);
  }
}

async function kindOf(path: string): Promise<string> {
  try {
    const st = await Deno.lstat(path);
    if (st.isSymlink) return "a symbolic link";
    if (st.isFifo) return "a FIFO";
    if (st.isSocket) return "a socket";
    return "a device";
  } catch {
    return "not a regular file";
  }
}
