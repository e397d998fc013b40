/**
 * Pure, lexical path rules of the workspace guard: input validation,
 * containment with a separator boundary, and the list of workspace paths no
 * tool may write (git state, LAO state, editor configs that run code).
 *
 * Nothing here touches the file system; symlinks are handled by the guard.
 *
 * @module
 */
import { isAbsolute, join, normalize, relative, resolve, sep } from "node:path";

/** True when `child` is `parent` itself or lies below it (separator boundary). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  if (rel === "") return true;
  return !isAbsolute(rel) && rel !== ".." && !rel.startsWith(`..${sep}`);
}

/** A refused input path: the reason code and a short human reason. */
export interface PathRefusal {
  /** `invalid` or `outside`. */
  code: "invalid" | "outside";
  /** Text after the colon of the error message. */
  reason: string;
}

/**
 * Resolves a model-supplied path lexically against `root`.
 *
 * Absolute paths are accepted only when they lie inside `root` or inside one
 * of `aliases` (an un-canonicalised spelling of the root, mapped onto it).
 *
 * @returns the absolute lexical path, or a refusal.
 */
export function resolveLexical(
  root: string,
  input: string,
  aliases: readonly string[] = [],
): string | PathRefusal {
  if (input.includes("\0")) return { code: "invalid", reason: "path contains a NUL byte" };
  if (input.trim() === "") return { code: "invalid", reason: "path is empty" };
  let candidate = input;
  if (isAbsolute(input)) {
    const norm = normalize(input);
    const alias = aliases.find((a) => a !== root && isInside(a, norm));
    if (alias !== undefined) candidate = join(root, relative(alias, norm));
  }
  const abs = resolve(root, candidate);
  if (!isInside(root, abs)) {
    return { code: "outside", reason: "path resolves outside the workspace" };
  }
  return abs;
}

/** Converts an absolute path inside `root` to a `/`-separated relative path ("." for the root). */
export function toRelative(root: string, abs: string): string {
  const rel = relative(root, abs);
  return rel === "" ? "." : rel.split(sep).join("/");
}

/** Folder names whose contents are never written by the file tools (any depth). */
const PROTECTED_DIRS = new Set([".git", ".lao", ".idea", ".husky"]);

/** Exact relative files (lower case) never written by the file tools. */
const PROTECTED_FILES = new Set([
  ".vscode/settings.json",
  ".vscode/tasks.json",
  ".vscode/launch.json",
  ".vscode/extensions.json",
]);

/** Base names (lower case) never written, at any depth. */
const PROTECTED_NAMES = new Set([
  ".envrc",
  ".gitmodules",
  ".gitconfig",
  ".bashrc",
  ".bash_profile",
  ".zshrc",
  ".profile",
  ".mcp.json",
]);

/**
 * Returns why writing the workspace-relative `rel` is refused, or `undefined`
 * when it is allowed. Comparison is case-insensitive (`.GIT/config` too).
 */
export function protectedReason(rel: string): string | undefined {
  const lower = rel.toLowerCase().replaceAll("\\", "/");
  const parts = lower.split("/").filter((p) => p !== "" && p !== ".");
  const dir = parts.find((p) => PROTECTED_DIRS.has(p));
  if (dir !== undefined) return `writes to ${dir}/ are not allowed`;
  if (PROTECTED_FILES.has(parts.join("/"))) {
    return "writes to editor configs that run code are not allowed";
  }
  const base = parts.at(-1) ?? "";
  if (PROTECTED_NAMES.has(base)) return `writes to ${base} are not allowed`;
  if (base.endsWith(".code-workspace")) {
    return "writes to editor configs that run code are not allowed";
  }
  return undefined;
}
