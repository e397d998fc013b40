/**
 * Loads `factory.yaml` with one precedence rule for every key:
 * **CLI flag > environment variable > YAML > default**.
 *
 * The file is found via `--config`, then `LAO_CONFIG`, then `./factory.yaml`,
 * then `./factory.yml`. Relative paths in the file resolve against the file's
 * folder (the "config dir"); relative paths from the environment or flags
 * resolve against the current folder. Errors name `file:line`, the key and what
 * was expected, on one line.
 *
 * This module holds the loader without a YAML library: `load.ts` gives it the
 * full parser, and the CLI's fast path a small one for plain files.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import type { z } from "zod";
import { UserError } from "../errors.ts";
import { defaultConfig } from "./defaults.ts";
import { ROLES } from "../domain/roles.ts";
import type { Config, RoleName } from "./schema.ts";
import { readConfigText } from "./read_config.ts";
import { closest } from "./suggest.ts";
import { checkPlacement } from "./placement.ts";

/** Settings given as CLI flags. Undefined means "not given". */
export interface ConfigOverrides {
  lmStudioUrl?: string;
  ramGb?: number;
  workspace?: string;
  plansDir?: string;
  db?: string;
  models?: Partial<Record<RoleName, string>>;
  batchSize?: number;
  maxContextUtilization?: number;
  qualityGate?: string;
  phaseGated?: boolean;
  git?: boolean;
  sandbox?: string;
}

/** Inputs of {@linkcode loadConfig}; everything that touches the world is injected. */
export interface LoadConfigOptions {
  /** Folder LAO was started in. */
  cwd: string;
  /** Environment lookup. */
  env: (name: string) => string | undefined;
  /** `--config PATH`. */
  configPath?: string;
  /** CLI flag values. */
  overrides?: ConfigOverrides;
  /** File reader (defaults to Deno.readTextFileSync). */
  readFile?: (path: string) => string | undefined;
}

/** A loaded configuration and where it came from. */
export interface LoadedConfig {
  config: Config;
  /** Folder that relative paths resolve against (the config file's folder, or cwd). */
  configDir: string;
  /** The config file used, or null when none exists. */
  configFile: string | null;
  /** Non-fatal problems (unknown keys), one line each. */
  warnings: string[];
}

/** Environment variables that map to config keys. */
export const ENV_KEYS: ReadonlyArray<
  { name: string; path: string[]; kind: "string" | "number" | "path" }
> = [
  { name: "LM_STUDIO_BASE_URL", path: ["lm_studio_base_url"], kind: "string" },
  { name: "OPENAI_API_KEY", path: ["openai_api_key"], kind: "string" },
  { name: "TOTAL_RAM_GB", path: ["total_ram_gb"], kind: "number" },
  { name: "WORKSPACE_ROOT", path: ["paths", "workspace"], kind: "path" },
  { name: "PLANS_DIR", path: ["paths", "plans"], kind: "path" },
  { name: "DB_PATH", path: ["paths", "database"], kind: "path" },
];

/** Unknown keys reported one by one; the rest are counted in one line. */
const MAX_UNKNOWN_KEY_WARNINGS = 20;

/** Record-valued keys whose children are user-named (no unknown-key check). */
const FREE_MAPS = new Set([
  "orchestration.validation_profiles",
  "orchestration.validation_profiles.*.block_min_confidence_by_analyzer_kind",
  "orchestration.validation_profiles.*.block_min_confidence_by_analyzer_id",
]);

interface Override {
  path: string[];
  value: unknown;
  source: string;
}

/** Finds the config file to use, or null. Throws when an explicit path does not exist. */
export function findConfigFile(opts: LoadConfigOptions): string | null {
  const exists = (p: string, label: string) => {
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(p);
    } catch {
      return false;
    }
    if (!info.isFile) {
      throw new UserError(
        `Cannot read config "${label}": it is ${
          info.isDirectory ? "a folder" : "not a regular file"
        }; factory.yaml must be a file`,
      );
    }
    return true;
  };
  if (opts.configPath) {
    const p = resolve(opts.cwd, opts.configPath);
    if (!exists(p, opts.configPath)) {
      throw new UserError(`Cannot read config "${opts.configPath}": file not found`);
    }
    return p;
  }
  const fromEnv = opts.env("LAO_CONFIG");
  if (fromEnv) {
    const p = resolve(opts.cwd, fromEnv);
    if (!exists(p, fromEnv)) {
      throw new UserError(`Cannot read config "${fromEnv}" (from LAO_CONFIG): file not found`);
    }
    return p;
  }
  for (const name of ["factory.yaml", "factory.yml"]) {
    const p = join(opts.cwd, name);
    if (exists(p, name)) return p;
  }
  return null;
}

/** Where the keys of a parsed file are (for warnings and errors). */
export interface KeyLines {
  /** The line of the deepest key of `path` present in the file (1 when none). */
  lineOf(path: readonly string[], keyLine: boolean): number;
}

/** Turns the file's text into plain data and the lines of its keys. */
export type ConfigParser = (text: string, label: string) => { raw: unknown; keyLines: KeyLines };

/** Checks the merged settings: the schema's `safeParse`, or a stand-in that knows the answer. */
export type ConfigValidator = (config: Record<string, unknown>, configDir: string) =>
  | { success: true; data: Config }
  | { success: false; error: { issues: z.core.$ZodIssue[] } };

/** The file being loaded: its path, the label errors name, and where its keys are once parsed. */
interface ConfigFile {
  path: string;
  label: string;
  keyLines?: KeyLines;
}

/** Warns once per unknown key of `raw` (up to a cap, then one count) and returns the known part. */
function knownKeys(
  raw: Record<string, unknown>,
  config: Record<string, unknown>,
  file: ConfigFile,
  warnings: string[],
): Record<string, unknown> {
  let unknown = 0;
  const known = checkUnknownKeys(raw, config, [], (path, key) => {
    if (++unknown > MAX_UNKNOWN_KEY_WARNINGS) return;
    const line = file.keyLines!.lineOf([...path, key], true);
    const names = Object.keys(getIn(config, path) as Record<string, unknown>);
    const hint = key.length <= 64 ? closest(key, names) : undefined;
    warnings.push(
      `${file.label}:${line}: unknown key "${[...path, key].join(".").slice(0, 120)}"` +
        (hint ? ` (did you mean "${[...path, hint].join(".")}"?)` : "") + ", ignored",
    );
  });
  if (unknown > MAX_UNKNOWN_KEY_WARNINGS) {
    warnings.push(
      `${file.label}: ${unknown - MAX_UNKNOWN_KEY_WARNINGS} more unknown keys, ignored`,
    );
  }
  return known;
}

/** Parses `file` and merges its known keys into `config`; records where its keys are. */
function mergeFile(
  config: Record<string, unknown>,
  file: ConfigFile,
  configDir: string,
  opts: LoadConfigOptions,
  parse: ConfigParser,
  warnings: string[],
): void {
  const parsed = parse(readConfigText(file.path, file.label, opts.readFile), file.label);
  file.keyLines = parsed.keyLines;
  const raw = parsed.raw;
  if (raw === null || raw === undefined) return;
  if (!isPlainObject(raw)) {
    throw new UserError(`${file.label}:1: expected a mapping of settings at the top level`);
  }
  mergeYaml(config, knownKeys(raw, config, file, warnings), [], configDir, opts.env);
}

/** Validates the merged settings and their placement; an error names where the bad value came from. */
function checked(
  config: Record<string, unknown>,
  configDir: string,
  overrides: Override[],
  file: ConfigFile | undefined,
  validate: ConfigValidator,
): Config {
  const lines = file?.keyLines ? { label: file.label, keyLines: file.keyLines } : undefined;
  const parsed = validate(config, configDir);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String);
    throw new UserError(
      `${sourceOf(path, overrides, lines)}: ${path.join(".")}: ${
        describeIssue(issue, getIn(config, path), path[path.length - 1] ?? "")
      }`,
    );
  }
  const problem = checkPlacement(parsed.data.paths, configDir);
  if (problem) {
    const where = sourceOf(problem.path, overrides, lines);
    throw new UserError(`${where}: ${problem.path.join(".")}: ${problem.message}`);
  }
  return parsed.data;
}

/**
 * Loads, merges and validates the configuration, parsing the file with
 * `parse` and checking it with `validate`. Throws {@linkcode UserError} on bad input.
 */
export function loadConfigWith(
  opts: LoadConfigOptions,
  parse: ConfigParser,
  validate: ConfigValidator,
): LoadedConfig {
  const path = findConfigFile(opts);
  const configDir = path ? dirname(path) : opts.cwd;
  const config: Record<string, unknown> = defaultConfig(configDir) as unknown as Record<
    string,
    unknown
  >;
  const warnings: string[] = [];
  const file = path ? { path, label: relativeLabel(opts.cwd, path) } : undefined;
  if (file) mergeFile(config, file, configDir, opts, parse, warnings);
  const overrides = [...envOverrides(opts), ...cliOverrides(opts)];
  for (const o of overrides) setIn(config, o.path, o.value);
  const data = checked(config, configDir, overrides, file, validate);
  return { config: data, configDir, configFile: path, warnings };
}

/** Where a key's value came from: the last flag or variable that set it, else its file line. */
function sourceOf(
  path: string[],
  overrides: Override[],
  file: { label: string; keyLines: KeyLines } | undefined,
): string {
  const override = [...overrides].reverse().find((o) => samePrefix(o.path, path));
  if (override) return override.source;
  return file ? `${file.label}:${file.keyLines.lineOf(path, false)}` : "built-in default";
}

function envOverrides(opts: LoadConfigOptions): Override[] {
  const out: Override[] = [];
  for (const { name, path, kind } of ENV_KEYS) {
    const raw = opts.env(name);
    if (raw === undefined || raw === "") continue;
    let value: unknown = raw;
    if (kind === "number") value = /^\s*[-+]?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : raw;
    if (kind === "path") value = resolve(opts.cwd, expandHome(raw, opts.env));
    out.push({ path, value, source: `environment variable ${name}` });
  }
  return out;
}

function cliOverrides(opts: LoadConfigOptions): Override[] {
  const o = opts.overrides ?? {};
  const out: Override[] = [];
  const add = (path: string[], value: unknown, flag: string) => {
    if (value !== undefined) out.push({ path, value, source: `flag ${flag}` });
  };
  const abs = (p: string | undefined) =>
    p === undefined ? undefined : resolve(opts.cwd, expandHome(p, opts.env));
  add(["lm_studio_base_url"], o.lmStudioUrl, "--lm-studio-url");
  add(["total_ram_gb"], o.ramGb, "--ram-gb");
  add(["paths", "workspace"], abs(o.workspace), "--workspace");
  add(["paths", "plans"], abs(o.plansDir), "--plans-dir");
  add(["paths", "database"], abs(o.db), "--db");
  for (const role of ROLES) add(["models", role, "key"], o.models?.[role], `--${role}-model`);
  add(["orchestration", "coder_batch_size"], o.batchSize, "--batch-size");
  add(
    ["orchestration", "max_context_utilization"],
    o.maxContextUtilization,
    "--max-context-utilization",
  );
  add(["orchestration", "quality_gate_mode"], o.qualityGate, "--quality-gate");
  add(["orchestration", "phase_gated"], o.phaseGated, "--phase-gated");
  add(["git", "enabled"], o.git, "--no-git");
  add(["tools", "shell", "sandbox"], o.sandbox, "--sandbox");
  return out;
}

/** Returns `raw` without the keys `known` lacks (reported), recursively; linear in the keys. */
function checkUnknownKeys(
  raw: Record<string, unknown>,
  known: unknown,
  path: string[],
  report: (path: string[], key: string) => void,
): Record<string, unknown> {
  if (!isPlainObject(known)) return raw;
  const pattern = path.map((p, i) => (i === 2 && path[1] === "validation_profiles" ? "*" : p))
    .join(".");
  if (FREE_MAPS.has(pattern)) {
    if (pattern !== "orchestration.validation_profiles") return raw;
    const profileDefaults = (known as Record<string, unknown>)["default"] ??
      defaultConfig("/").orchestration.validation_profiles["default"];
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) {
      out[k] = isPlainObject(v) ? checkUnknownKeys(v, profileDefaults, [...path, k], report) : v;
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!Object.hasOwn(known, key)) {
      report(path, key);
      continue;
    }
    out[key] = isPlainObject(value)
      ? checkUnknownKeys(value, known[key], [...path, key], report)
      : value;
  }
  return out;
}

function mergeYaml(
  target: Record<string, unknown>,
  raw: Record<string, unknown>,
  path: string[],
  configDir: string,
  env: (name: string) => string | undefined,
): void {
  for (const [key, value] of Object.entries(raw)) {
    const here = [...path, key];
    const joined = here.join(".");
    // A section whose keys are all commented out is null in YAML: it means "no changes".
    if (value === null && isPlainObject(target[key])) continue;
    if (joined === "paths.plans" || joined === "paths.database" || joined === "paths.workspace") {
      target[key] = typeof value === "string" ? resolve(configDir, expandHome(value, env)) : value;
    } else if (joined === "orchestration.validation_profiles") {
      // Replaced wholesale; each profile gets the profile defaults.
      const profiles: Record<string, unknown> = {};
      if (isPlainObject(value)) {
        for (const [name, profile] of Object.entries(value)) {
          const base = structuredClone(
            defaultConfig(configDir).orchestration.validation_profiles["default"],
          ) as unknown as Record<string, unknown>;
          if (isPlainObject(profile)) mergeYaml(base, profile, [...here, name], configDir, env);
          profiles[name] = isPlainObject(profile) ? base : profile;
        }
        target[key] = profiles;
      } else target[key] = value;
    } else if (isPlainObject(value) && isPlainObject(target[key])) {
      mergeYaml(target[key] as Record<string, unknown>, value, here, configDir, env);
    } else {
      target[key] = value;
    }
  }
}

/** Expands a leading `~/` to the home folder. */
export function expandHome(p: string, env: (name: string) => string | undefined): string {
  const home = env("HOME") ?? env("USERPROFILE");
  return p.startsWith("~/") && home ? join(home, p.slice(2)) : p;
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown, key: string): string {
  const got = describeValue(value);
  const unit = unitOf(key);
  switch (issue.code) {
    case "invalid_type":
      if (value === null && issue.expected === "string") return "must not be empty";
      return `expected ${article(issue.expected)}, got ${got}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${got}`;
    case "too_small":
      if ((issue.origin === "string" || issue.origin === "array") && Number(issue.minimum) === 1) {
        return "must not be empty";
      }
      return `expected a value ${issue.inclusive === false ? ">" : ">="} ${issue.minimum}${
        unit ? ` ${unit}` : ""
      }, got ${got}`;
    case "too_big":
      return `expected a value ${issue.inclusive === false ? "<" : "<="} ${issue.maximum}${
        unit ? ` ${unit}` : ""
      }${tooBigHint(key, Number(issue.maximum))}, got ${got}`;
    case "invalid_format":
      return `expected a valid ${issue.format === "url" ? "URL" : issue.format}, got ${got}`;
    default:
      return `${issue.message}, got ${got}`;
  }
}

/** The unit of a setting, from its name's suffix. */
function unitOf(key: string): string {
  if (key.endsWith("_s") || key.endsWith("_seconds")) return "seconds";
  if (key.endsWith("_mb")) return "MB";
  if (key.endsWith("_gb")) return "GB";
  if (key.endsWith("_bytes")) return "bytes";
  if (key.endsWith("_tokens") || key === "context_length" || key === "max_completion") {
    return "tokens";
  }
  return "";
}

function tooBigHint(key: string, max: number): string {
  if (!key.endsWith("_s")) return "";
  if (max === 86_400) return " (one day)";
  if (max === 3600) return " (one hour)";
  return "";
}

function article(expected: string): string {
  const names: Record<string, string> = {
    number: "a number",
    int: "a whole number",
    boolean: "a boolean (true or false, unquoted)",
    string: "a string",
    array: "a list",
    object: "a mapping",
    record: "a mapping",
  };
  return names[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${String(value)}`;
}

function relativeLabel(cwd: string, file: string): string {
  return file.startsWith(cwd + "/") ? file.slice(cwd.length + 1) : file;
}

function samePrefix(a: string[], b: string[]): boolean {
  return a.every((part, i) => b[i] === part);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function getIn(obj: unknown, path: string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

function setIn(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(cur[key])) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}
