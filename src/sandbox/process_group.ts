/**
 * Process helpers for the shell runner: killing a whole process group
 * (through `sh`, because `Deno.kill` needs unscoped run permission), a
 * cancellable sleep, and signal numbers.
 *
 * @module
 */

/** Sends `signal` to the process group `pid` (through `sh`, as Deno.kill needs full run access). */
export async function killGroup(pid: number, signal: "TERM" | "KILL"): Promise<void> {
  try {
    await new Deno.Command("sh", {
      args: ["-c", `kill -${signal} -${pid} 2>/dev/null`],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
  } catch {
    // The group is already gone, or sh is unavailable; the direct kill below still runs.
  }
}

/** A cancellable sleep. */
export function delay(ms: number): { promise: Promise<void>; clear: () => void } {
  let id: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((r) => {
    id = setTimeout(r, ms);
  });
  return { promise, clear: () => clearTimeout(id) };
}

/** Maps a signal name to its number (the common ones). */
export function signalNumber(signal: Deno.Signal): number {
  const table: Partial<Record<Deno.Signal, number>> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGQUIT: 3,
    SIGKILL: 9,
    SIGSEGV: 11,
    SIGPIPE: 13,
    SIGALRM: 14,
    SIGTERM: 15,
    SIGXFSZ: 25,
  };
  return table[signal] ?? 0;
}
