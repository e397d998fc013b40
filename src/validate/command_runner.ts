/**
 * Runs validation commands through an injected shell port and turns failures
 * into findings plus validation-run records.
 *
 * @module
 */
import { errorMessage } from "../errors.ts";
import { type Finding, validatorFinding } from "./finding.ts";
import type { CommandSpec } from "./command_inference.ts";

/** What a shell command produced. */
export interface CommandResult {
  exitCode: number;
  /** Combined stdout and stderr. */
  output: string;
}

/**
 * Port: runs a shell `command` in `cwd` with a timeout. The production
 * implementation is the sandboxed shell; it may throw (refused, timed out).
 */
export type RunCommand = (command: string, cwd: string, timeoutS: number) => Promise<CommandResult>;

/** One executed validation command (stored as a validation-run row). */
export interface ValidationRun {
  kind: string;
  command: string;
  success: boolean;
  /** Null when the command could not be run at all. */
  exitCode: number | null;
  /** First 4000 characters of the output. */
  output: string;
  /** UTC ISO timestamps. */
  startedAt: string;
  finishedAt: string;
}

/** Options of {@linkcode runValidationCommands}. */
export interface RunCommandsOptions {
  runCommand: RunCommand;
  /** Workspace root the commands run in. */
  cwd: string;
  /** Per-command timeout (default 180 s). */
  timeoutS?: number;
  /** Clock (default `() => new Date()`). */
  now?: () => Date;
  /** Cancels between commands. */
  signal?: AbortSignal;
}

/** Maximum stored output per run. */
export const RUN_OUTPUT_LIMIT = 4000;
/** Maximum output quoted in a fix hint. */
export const HINT_OUTPUT_LIMIT = 400;

/**
 * Runs each command in order; a non-zero exit becomes a major
 * `<kind>_command_failed`, except a command that could not start at all
 * (exit 126/127, refused): that is an `info` finding about the setup.
 */
export async function runValidationCommands(
  specs: CommandSpec[],
  options: RunCommandsOptions,
): Promise<{ findings: Finding[]; runs: ValidationRun[] }> {
  const now = options.now ?? (() => new Date());
  const findings: Finding[] = [];
  const runs: ValidationRun[] = [];
  for (const spec of specs) {
    if (options.signal?.aborted) break;
    const startedAt = now().toISOString();
    let exitCode: number | null;
    let output: string;
    try {
      const result = await options.runCommand(spec.command, options.cwd, options.timeoutS ?? 180);
      exitCode = result.exitCode;
      output = result.output;
    } catch (err) {
      exitCode = null;
      output = `Cannot run "${spec.command}": ${errorMessage(err)}`;
    }
    const success = exitCode === 0;
    runs.push({
      kind: spec.kind,
      command: spec.command,
      success,
      exitCode,
      output: output.slice(0, RUN_OUTPUT_LIMIT),
      startedAt,
      finishedAt: now().toISOString(),
    });
    if (!success) findings.push(commandFinding(spec, exitCode, output));
  }
  return { findings, runs };
}

/**
 * The finding of a failed command: `info` about the setup when it could not
 * start here (exit 126/127, refused), else a major `<kind>_command_failed`.
 */
function commandFinding(spec: CommandSpec, exitCode: number | null, output: string): Finding {
  if (exitCode === null || exitCode === 126 || exitCode === 127) {
    // The command could not start here (not found, refused, not executable):
    // a problem of this machine's setup, not of the task's code.
    return validatorFinding({
      severity: "info",
      file_path: null,
      issue_class: "validation_command_unavailable",
      message: `${spec.kind} command "${spec.command}" could not run here (${
        exitCode === null ? "it did not start" : `exit ${exitCode}`
      })`,
      fix_hint:
        "Not a problem of the code: make the tool visible to the sandbox (tools.shell.home_allow) or change the command.",
      analyzer_id: `command:${spec.kind}`,
      analyzer_kind: "runtime",
      confidence: 0.97,
    });
  }
  return validatorFinding({
    severity: "major",
    file_path: null,
    issue_class: `${spec.kind}_command_failed`,
    message: `${spec.kind} command "${spec.command}" exited with code ${exitCode}`,
    fix_hint: output.trim().slice(0, HINT_OUTPUT_LIMIT),
    analyzer_id: `command:${spec.kind}`,
    analyzer_kind: "runtime",
    confidence: 0.97,
  });
}
