/**
 * How `lao run` ends for the user: a pure function of the run's result, so
 * its table of exit codes is tested without loading the command.
 *
 * @module
 */
import { ExitCode, type ExitCodeValue } from "../../errors.ts";
import type { RunResult } from "../../pipeline/run.ts";

/** How a run ends for the user: the exit code and the one line it prints, if any. */
export interface RunExit {
  code: ExitCodeValue;
  /** A line for stdout. */
  out?: string;
  /** A line for stderr. */
  err?: string;
}

/**
 * The exit of a run: interrupted 130; handed over to the Pilot 0; stopped by
 * an outage 1; a finished run with failed tasks or plans that could not be
 * decomposed 1 (so scripts know); otherwise 0.
 */
export function runExit(
  result: Pick<RunResult, "interrupted" | "infraError">,
  handedOff: boolean,
  left: { failedTasks: number; undecomposed: readonly string[] },
): RunExit {
  if (result.interrupted) return { code: ExitCode.Interrupted };
  if (handedOff && !result.infraError) {
    return {
      code: ExitCode.Ok,
      out: "Queue idle → Pilot (/resume runs the queue again, /exit leaves)",
    };
  }
  if (result.infraError) {
    return {
      code: ExitCode.Failure,
      err: `lao: stopped: the model server stayed unavailable (${result.infraError})`,
    };
  }
  if (left.failedTasks || left.undecomposed.length) {
    const parts = [
      left.failedTasks ? `${left.failedTasks} task(s) failed` : "",
      left.undecomposed.length ? `${left.undecomposed.join(", ")} could not be decomposed` : "",
    ].filter(Boolean);
    return {
      code: ExitCode.Failure,
      err: `lao: ${parts.join("; ")}: see lao status, then lao retry-failed or edit the plan`,
    };
  }
  return { code: ExitCode.Ok };
}
