/**
 * The coder's tool names and the other names models use for them. Shared by
 * the registry (to resolve calls) and the text tool-call parser (to tell a
 * tool call printed as code from example code).
 *
 * @module
 */

/** Canonical tool names, in the order offered to the model. */
export const TOOL_NAMES = [
  "file_read",
  "file_write",
  "file_patch",
  "list_dir",
  "search",
  "find_relevant_files",
  "shell_exec",
] as const;

/** Other names models use for our tools. */
export const NAME_ALIASES: Readonly<Record<string, string>> = {
  read_file: "file_read",
  readfile: "file_read",
  open_file: "file_read",
  view_file: "file_read",
  write_file: "file_write",
  create_file: "file_write",
  writefile: "file_write",
  save_file: "file_write",
  edit_file: "file_patch",
  patch_file: "file_patch",
  replace_in_file: "file_patch",
  str_replace: "file_patch",
  list_files: "list_dir",
  list_directory: "list_dir",
  ls: "list_dir",
  grep: "search",
  search_files: "search",
  find_files: "find_relevant_files",
  shell: "shell_exec",
  bash: "shell_exec",
  run_command: "shell_exec",
  execute_command: "shell_exec",
};

/** Strips the namespaces models put before a tool name (`functions.`, `default_api.`). */
export function bareToolName(name: string): string {
  return name.trim().replace(/^(?:functions|default_api|tools?)[.:]/i, "");
}

/** True when `name` (any case, namespaced or aliased) is one of the coder's tools. */
export function isKnownToolName(name: string): boolean {
  const n = bareToolName(name).toLowerCase();
  return (TOOL_NAMES as readonly string[]).includes(n) || n in NAME_ALIASES;
}

/** Parameter order of each tool, for calls written with positional arguments (`file_read("a.ts")`). */
export const POSITIONAL_PARAMS: Readonly<Record<string, readonly string[]>> = {
  file_read: ["path", "max_lines", "offset"],
  file_write: ["path", "content"],
  file_patch: ["path", "search", "replace"],
  list_dir: ["path", "depth"],
  search: ["pattern", "path"],
  find_relevant_files: ["query", "top_k"],
  shell_exec: ["command", "timeout"],
};

/** The canonical name of a known tool (`read_file` → `file_read`), else `undefined`. */
export function canonicalToolName(name: string): string | undefined {
  const n = bareToolName(name).toLowerCase();
  if ((TOOL_NAMES as readonly string[]).includes(n)) return n;
  return NAME_ALIASES[n];
}
