/**
 * A validation command that cannot start in the sandbox (not found, not
 * executable, refused) is a setup problem, not the task's: the validators
 * record it as a note per task, and the run says it once, with the fix.
 *
 * @module
 */
import { errorMessage } from "../errors.ts";
import type { RunCommand } from "../validate/command_runner.ts";

/** Exit codes of a command the shell could not start (126 not executable, 127 not found). */
const CANNOT_START = new Set([126, 127]);

/** The one-line warning for `command`, which could not start (`why`). */
export function unavailableCommandWarning(command: string, why: string): string {
  return `validation command "${command}" cannot run in the sandbox (${why}); ` +
    "tasks are not failed for it: make the tool visible (tools.shell.home_allow) or change the command";
}

/**
 * Wraps the validation-command port of every workspace so the first time a
 * command cannot start, `warn` gets {@linkcode unavailableCommandWarning};
 * later failures of the same command (other tasks, other plans) say nothing.
 * Results and errors pass through unchanged.
 */
export function warnUnavailableOnce(
  port: (workspace: string) => RunCommand | undefined,
  warn: (message: string) => void,
): (workspace: string) => RunCommand | undefined {
  const warned = new Set<string>();
  const once = (command: string, why: string) => {
    if (warned.has(command)) return;
    warned.add(command);
    warn(unavailableCommandWarning(command, why));
  };
  return (workspace) => {
    const run = port(workspace);
    if (!run) return undefined;
    return async (command, cwd, timeoutS) => {
      try {
        const result = await run(command, cwd, timeoutS);
        if (CANNOT_START.has(result.exitCode)) once(command, `exit ${result.exitCode}`);
        return result;
      } catch (err) {
        once(command, errorMessage(err));
        throw err;
      }
    };
  };
}
