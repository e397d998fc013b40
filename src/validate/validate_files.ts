/**
 * The validator pass run at review time, before the gate: checks the
 * files a task changed, aggregates placeholder density, runs the configured
 * and inferred commands, and returns findings plus validation-run records.
 *
 * Files are read only through {@linkcode WorkspaceFs}, so a path outside the
 * workspace is reported, never read.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import type { Emit } from "../events/bus.ts";
import { errorMessage } from "../errors.ts";
import { WorkspaceError, type WorkspaceFs } from "../workspace/workspace_fs.ts";
import { type Finding, isSevere, validatorFinding } from "./finding.ts";
import { scanPlaceholders } from "./placeholder_scan.ts";
import { checkJson, checkScript, isScriptPath } from "./syntax_check.ts";
import {
  checkPython,
  python3BatchChecker,
  type PythonBatchChecker,
  type PythonChecker,
  pythonFindings,
} from "./python_check.ts";
import { extensionOf, syntaxFor } from "./source_lexer.ts";
import { configuredCommands, inferCommands, mergeCommands } from "./command_inference.ts";
import { type RunCommand, runValidationCommands, type ValidationRun } from "./command_runner.ts";
import { placeholderAggregate } from "./placeholder_density.ts";

/** Inputs of {@linkcode validateFiles}. */
export interface ValidateOptions {
  fs: WorkspaceFs;
  /** Workspace-relative paths the task changed. */
  files: string[];
  orchestration: Config["orchestration"];
  /** Shell port; without it no commands run. */
  runCommand?: RunCommand;
  /** Python syntax port, per file (default: every file of the pass in one python3 process). */
  pythonChecker?: PythonChecker;
  /** Python syntax port for all of a pass's files at once (default {@linkcode python3BatchChecker}). */
  pythonBatch?: PythonBatchChecker;
  /** Infer build/lint/test commands from project files (default true). */
  inferCommands?: boolean;
  /** At most this many files are checked (default 20). */
  maxFiles?: number;
  now?: () => Date;
  signal?: AbortSignal;
  emit?: Emit;
}

/** Everything one validator pass found. */
export interface ValidationResult {
  findings: Finding[];
  /** One record per command, then the `validator:aggregate` record. */
  runs: ValidationRun[];
  /** Workspace-relative paths that were read and checked. */
  checkedFiles: string[];
}

function pathFinding(path: string, err: unknown): Finding {
  const outside = err instanceof WorkspaceError;
  return validatorFinding({
    severity: "critical",
    file_path: outside ? null : path,
    issue_class: outside ? "invalid_path" : "missing_file",
    message: outside ? errorMessage(err) : `Cannot read "${path}": ${errorMessage(err)}`,
    fix_hint: "Write files only inside the workspace, using workspace-relative paths.",
    analyzer_id: "file_existence",
    analyzer_kind: "runtime",
    confidence: 0.99,
  });
}

function missingFinding(path: string): Finding {
  return validatorFinding({
    severity: "critical",
    file_path: path,
    issue_class: "missing_file",
    message: `File "${path}" does not exist`,
    fix_hint: "Create the file the task requires, or correct the path in your summary.",
    analyzer_id: "file_existence",
    analyzer_kind: "runtime",
    confidence: 0.99,
  });
}

async function isDirectory(fs: WorkspaceFs, path: string): Promise<boolean> {
  const entries = await fs.walk({ path, maxDepth: 1, limit: 2 }).catch(() => []);
  return entries.some((e) => e.path !== path);
}

/** Syntax checks of one file's content, chosen by extension. */
async function checkContent(
  path: string,
  text: string,
  pythonChecker: PythonChecker | undefined,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const ext = extensionOf(path);
  if (ext === "json") findings.push(...[checkJson(path, text)].filter((f) => f !== null));
  if (isScriptPath(path)) {
    const finding = await checkScript(path, text);
    if (finding) findings.push(finding);
  }
  if (ext === "py" && pythonChecker) findings.push(...await checkPython(path, text, pythonChecker));
  return findings;
}

/**
 * The workspace path and text of one requested file, or null when it has
 * none to check: a bad path or a missing file adds its finding, a folder, a
 * repeat, a binary or an oversized file is skipped.
 */
async function readForValidation(
  fs: ValidateOptions["fs"],
  requested: string,
  seen: Set<string>,
  findings: Finding[],
): Promise<{ path: string; text: string } | null> {
  let path: string;
  try {
    path = await fs.relative(requested);
  } catch (err) {
    findings.push(pathFinding(requested, err));
    return null;
  }
  if (seen.has(path)) return null;
  seen.add(path);
  if (!(await fs.isFile(path))) {
    if (!(await isDirectory(fs, path))) findings.push(missingFinding(path));
    return null;
  }
  try {
    return { path, text: await fs.readText(path) };
  } catch (err) {
    if (err instanceof WorkspaceError && (err.code === "binary" || err.code === "too_large")) {
      return null;
    }
    findings.push(pathFinding(path, err));
    return null;
  }
}

/** The configured and inferred validation commands, run. */
async function commandRuns(
  options: ValidateOptions,
  runCommand: NonNullable<ValidateOptions["runCommand"]>,
  now: () => Date,
) {
  const configured = configuredCommands(options.orchestration);
  const inferred = options.inferCommands === false ? [] : await inferCommands(options.fs);
  return await runValidationCommands(mergeCommands(configured, inferred), {
    runCommand,
    cwd: options.fs.root,
    now,
    signal: options.signal,
  });
}

/** Runs every validator over the changed files and the configured/inferred commands. */
export async function validateFiles(options: ValidateOptions): Promise<ValidationResult> {
  const { fs } = options;
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const findings: Finding[] = [];
  const checkedFiles: string[] = [];
  const scanned: { markers: number; lines: number }[] = [];
  const seen = new Set<string>();
  // Python files are checked together after the loop (one process), their findings put back
  // where a per-file check would have put them.
  const python: { at: number; path: string; content: string }[] = [];
  const unique = [...new Set(options.files.map((f) => f.trim()).filter((f) => f !== ""))];
  for (const requested of unique.slice(0, options.maxFiles ?? 20)) {
    const file = await readForValidation(fs, requested, seen, findings);
    if (!file) continue;
    const { path, text } = file;
    checkedFiles.push(path);
    const scan = scanPlaceholders(path, text);
    findings.push(...scan.findings, ...await checkContent(path, text, options.pythonChecker));
    if (!options.pythonChecker && extensionOf(path) === "py") {
      python.push({ at: findings.length, path, content: text });
    }
    if (syntaxFor(path)) scanned.push(scan);
  }
  if (python.length > 0) {
    const results = await (options.pythonBatch ?? python3BatchChecker)(python);
    for (let i = python.length - 1; i >= 0; i--) {
      findings.splice(python[i]!.at, 0, ...pythonFindings(python[i]!.path, results[i]!));
    }
  }
  findings.push(...placeholderAggregate(scanned, options.orchestration));

  const runs: ValidationRun[] = [];
  if (options.runCommand) {
    const commands = await commandRuns(options, options.runCommand, now);
    findings.push(...commands.findings);
    runs.push(...commands.runs);
  }
  runs.push({
    kind: "validator:aggregate",
    command: "validate_files",
    success: !findings.some(isSevere),
    exitCode: null,
    output: `findings=${findings.length} files=${checkedFiles.length}`,
    startedAt,
    finishedAt: now().toISOString(),
  });
  options.emit?.({
    type: "log",
    level: "debug",
    source: "validate",
    message: `Validated ${checkedFiles.length} files: ${findings.length} findings`,
  });
  return { findings, runs, checkedFiles };
}
