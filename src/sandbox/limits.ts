/**
 * `tools.shell.limits` (megabytes and seconds, as the user writes them) to
 * the runner's {@linkcode ShellLimits} (bytes).
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import type { ShellLimits } from "./shell.ts";

/** The configured limits, as `factory.yaml` holds them. */
export type ConfiguredLimits = Config["tools"]["shell"]["limits"];

const MB = 1024 ** 2;

/** Converts `tools.shell.limits` to runner limits. */
export function shellLimitsFromConfig(l: ConfiguredLimits): Required<ShellLimits> {
  return {
    processes: l.processes,
    memoryBytes: l.memory_mb * MB,
    cpuSeconds: l.cpu_seconds,
    fileSizeBytes: l.file_size_mb * MB,
    workspaceGrowthBytes: l.workspace_growth_mb * MB,
    tmpfsBytes: l.tmp_mb * MB,
  };
}
