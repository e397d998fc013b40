/**
 * Infers build/lint/test commands from the project files in a workspace
 * (`package.json`, `deno.json`, `pyproject.toml`, `Cargo.toml`, `go.mod`).
 * Configured commands always win: an inferred command is dropped when a
 * configured command of the same kind exists.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import type { WorkspaceFs } from "../workspace/workspace_fs.ts";

/** One validation command and where it came from. */
export interface CommandSpec {
  /** `build`, `lint`, `test`, or a profile's kind (default `contract`). */
  kind: string;
  /** Shell command, run in the workspace root. */
  command: string;
  origin: "profile" | "config" | "inferred";
}

/**
 * Commands from the configuration, in spec order: the active profile's
 * `commands`, then `validation_build_cmd` (kind build), then
 * `validation_lint_cmd` (kind lint). Blank commands are skipped.
 */
export function configuredCommands(orchestration: Config["orchestration"]): CommandSpec[] {
  const profile = orchestration.validation_profiles[orchestration.validation_profile];
  const specs: CommandSpec[] = (profile?.commands ?? []).map((c) => ({
    kind: c.kind || "contract",
    command: c.command,
    origin: "profile" as const,
  }));
  if (orchestration.validation_build_cmd) {
    specs.push({ kind: "build", command: orchestration.validation_build_cmd, origin: "config" });
  }
  if (orchestration.validation_lint_cmd) {
    specs.push({ kind: "lint", command: orchestration.validation_lint_cmd, origin: "config" });
  }
  return specs.filter((s) => s.command.trim() !== "");
}

async function readJson(fs: WorkspaceFs, path: string): Promise<Record<string, unknown> | null> {
  if (!(await fs.isFile(path))) return null;
  try {
    const value: unknown = JSON.parse(await fs.readText(path));
    return value !== null && typeof value === "object" ? value as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

function stringRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== "object") return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] =>
      typeof entry[1] === "string"
    ),
  );
}

const NPM_DEFAULT_TEST = /no test specified/;

async function nodeCommands(fs: WorkspaceFs): Promise<CommandSpec[]> {
  const pkg = await readJson(fs, "package.json");
  if (!pkg) return [];
  const scripts = stringRecord(pkg.scripts);
  const runner = (await fs.isFile("pnpm-lock.yaml"))
    ? "pnpm"
    : (await fs.isFile("yarn.lock"))
    ? "yarn"
    : (await fs.isFile("bun.lockb")) || (await fs.isFile("bun.lock"))
    ? "bun"
    : "npm";
  const specs: CommandSpec[] = [];
  for (const kind of ["build", "lint", "test"]) {
    const script = scripts[kind];
    if (!script || (kind === "test" && NPM_DEFAULT_TEST.test(script))) continue;
    specs.push({ kind, command: `${runner} run ${kind}`, origin: "inferred" });
  }
  return specs;
}

async function denoCommands(fs: WorkspaceFs, files: string[]): Promise<CommandSpec[]> {
  const config = (await readJson(fs, "deno.json")) ??
    ((await fs.isFile("deno.jsonc")) ? {} : null);
  if (!config) return [];
  const tasks = stringRecord(config.tasks);
  const hasTests = files.some((f) => /(^|\/)[^/]*[._]test\.(ts|tsx|js|mjs)$/.test(f));
  const pick = (kind: string, fallback: string | null): CommandSpec[] => {
    if (tasks[kind]) return [{ kind, command: `deno task ${kind}`, origin: "inferred" }];
    return fallback ? [{ kind, command: fallback, origin: "inferred" }] : [];
  };
  return [
    ...pick("build", "deno check ."),
    ...pick("lint", "deno lint"),
    ...pick("test", hasTests ? "deno test" : null),
  ];
}

function pythonCommands(present: boolean, files: string[]): CommandSpec[] {
  if (!present) return [];
  const hasTests = files.some((f) =>
    /(^|\/)(test_[^/]*|[^/]*_test)\.py$/.test(f) || /(^|\/)tests?\/[^/]+\.py$/.test(f)
  );
  const specs: CommandSpec[] = [{
    kind: "build",
    command: 'PYTHONPYCACHEPREFIX="${TMPDIR:-/tmp}/lao-pycache" python3 -m compileall -q .',
    origin: "inferred",
  }];
  if (hasTests) {
    specs.push({
      kind: "test",
      command: "PYTHONDONTWRITEBYTECODE=1 python3 -m pytest -q -p no:cacheprovider",
      origin: "inferred",
    });
  }
  return specs;
}

/** Infers commands from project files found in the workspace root. */
export async function inferCommands(fs: WorkspaceFs): Promise<CommandSpec[]> {
  const entries = await fs.walk({ maxDepth: 4, limit: 5000 });
  const files = entries.filter((e) => e.kind === "file").map((e) => e.path);
  const specs = [
    ...await nodeCommands(fs),
    ...await denoCommands(fs, files),
    ...pythonCommands(
      (await fs.isFile("pyproject.toml")) || (await fs.isFile("setup.py")),
      files,
    ),
  ];
  if (await fs.isFile("Cargo.toml")) {
    specs.push({ kind: "build", command: "cargo check --quiet", origin: "inferred" });
  }
  if (await fs.isFile("go.mod")) {
    specs.push({ kind: "build", command: "go build ./...", origin: "inferred" });
    specs.push({ kind: "lint", command: "go vet ./...", origin: "inferred" });
  }
  return specs;
}

/**
 * Configured commands followed by the inferred ones whose kind is not
 * configured and whose command is not already listed.
 */
export function mergeCommands(configured: CommandSpec[], inferred: CommandSpec[]): CommandSpec[] {
  const kinds = new Set(configured.map((c) => c.kind));
  const seen = new Set(configured.map((c) => c.command.trim()));
  const merged = [...configured];
  for (const spec of inferred) {
    if (kinds.has(spec.kind) || seen.has(spec.command.trim())) continue;
    seen.add(spec.command.trim());
    merged.push(spec);
  }
  return merged;
}
