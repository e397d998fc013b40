/**
 * Error tiers and exit codes.
 *
 * A {@linkcode UserError} is something the user can fix (a bad flag, a malformed
 * config, a missing file): the CLI prints its message on one line and exits with
 * its `exitCode`. Anything else that escapes to the top is a bug: the CLI prints
 * a stack trace and exits with {@linkcode ExitCode.Internal}.
 *
 * @module
 */

/** Every exit code LAO uses. Documented in the README. */
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** A run or check finished but found problems (unhealthy server, failed self-test). */
  Failure: 1,
  /** Usage or configuration error: bad flag, malformed `factory.yaml`, missing file. */
  Usage: 2,
  /** The command exists but its capability is not built yet. */
  NotImplemented: 3,
  /** Disk full: a write failed for lack of space; nothing was lost, free space and rerun. */
  DiskFull: 73,
  /** The state database cannot be used: damaged, not SQLite, read-only or locked by another program. */
  Database: 74,
  /** Another `lao run` holds the run lock on this database. */
  Locked: 75,
  /** A required capability is unavailable (e.g. `--sandbox required` with no sandbox). */
  Unavailable: 78,
  /** Internal error: a bug in LAO. A stack trace is printed. */
  Internal: 70,
  /** Interrupted by Ctrl+C / SIGINT / SIGTERM. */
  Interrupted: 130,
} as const;

/** The numeric values of {@linkcode ExitCode}. */
export type ExitCodeValue = typeof ExitCode[keyof typeof ExitCode];

/** An error the user can fix. Printed as one line, no stack trace. */
export class UserError extends Error {
  /** Process exit code to use when this error ends the program. */
  readonly exitCode: number;

  /** Creates a user error with the given message and exit code (default 2). */
  constructor(message: string, exitCode: number = ExitCode.Usage, options?: ErrorOptions) {
    super(message, options);
    this.name = "UserError";
    this.exitCode = exitCode;
  }
}

/** A command whose capability is not built yet. */
export class NotImplementedError extends UserError {
  /** Creates the error for `command`. */
  constructor(command: string, detail = "it is not available in this build yet") {
    super(`"lao ${command}": ${detail}`, ExitCode.NotImplemented);
    this.name = "NotImplementedError";
  }
}

/** Raised when the user interrupts (Ctrl+C twice, or an abort signal fires). */
export class InterruptedError extends Error {
  /** Creates the error. */
  constructor(message = "Interrupted") {
    super(message);
    this.name = "InterruptedError";
  }
}

/** Throws {@linkcode InterruptedError} if `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError();
}

/** Returns the message of any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
