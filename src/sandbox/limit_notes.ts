/**
 * The notes a shell result carries when a limit acted: the process,
 * memory, workspace-growth, file-size and CPU limits, in the model's terms.
 *
 * @module
 */
import type { ShellLimits } from "./shell.ts";

/** Human size, e.g. `512 MiB`. */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3 && n % 1024 ** 3 === 0) return `${n / 1024 ** 3} GiB`;
  if (n >= 1024 ** 2) return `${Math.round(n / 1024 ** 2)} MiB`;
  return `${Math.round(n / 1024)} KiB`;
}

/** What a command met: cgroup events, workspace growth, its exit code and output. */
export interface LimitFacts {
  processLimitHit?: boolean;
  oomKills?: number;
  growth?: boolean;
  exitCode?: number;
  output?: string;
}

/** One note per limit that acted, in the model's terms. */
export function limitNotes(l: Required<ShellLimits>, f: LimitFacts): string[] {
  const notes: string[] = [];
  if (f.processLimitHit) notes.push(`the process limit (${l.processes} at once) was reached`);
  if ((f.oomKills ?? 0) > 0) {
    notes.push(
      `stopped: the memory limit (${formatBytes(l.memoryBytes)} for the whole command) was reached`,
    );
  }
  if (f.growth) {
    notes.push(
      `stopped: the workspace grew by more than ${
        formatBytes(l.workspaceGrowthBytes)
      } in this command`,
    );
  }
  if (f.exitCode === 128 + 25) {
    notes.push(`a file reached the file size limit (${formatBytes(l.fileSizeBytes)})`);
  }
  if (f.exitCode === 128 + 24 || /CPU time limit/i.test(f.output ?? "")) {
    notes.push(`the CPU time limit (${l.cpuSeconds} s per process) was reached`);
  }
  return notes;
}

/** The note when the caller asked for a longer timeout than allowed, or none. */
export function timeoutNote(asked: number, max: number | undefined): string | undefined {
  if (max === undefined || asked <= max) return undefined;
  return `timeout lowered from ${Math.round(asked / 1000)} s to ${
    Math.round(max / 1000)
  } s (tools.shell.timeout_s)`;
}
