/**
 * macOS memory: `vm_stat` (page size from its header; available = free +
 * speculative + inactive + purgeable), `sysctl vm.swapusage`, and the
 * kernel's pressure level.
 *
 * @module
 */
import type { MemoryProbe, MemoryReading, RunCommand } from "./probe.ts";

/** Parses `vm_stat` output into available bytes. */
export function parseVmStat(text: string): { pageSize: number; availableBytes: number } {
  const header = /page size of (\d+) bytes/.exec(text);
  if (!header?.[1]) throw new SyntaxError('Cannot parse vm_stat: no "page size" header');
  const pageSize = Number(header[1]);
  const pages = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^"?([^":]+)"?:\s+(\d+)\.?\s*$/.exec(line.trim());
    if (match?.[1] && match[2]) pages.set(match[1], Number(match[2]));
  }
  const sum = ["Pages free", "Pages speculative", "Pages inactive", "Pages purgeable"]
    .reduce((total, label) => total + (pages.get(label) ?? 0), 0);
  return { pageSize, availableBytes: sum * pageSize };
}

const UNITS: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** Parses `sysctl vm.swapusage` into used bytes. */
export function parseSwapUsage(text: string): number {
  const match = /used = ([\d.]+)([KMG])/.exec(text);
  if (!match?.[1] || !match[2]) throw new SyntaxError('Cannot parse vm.swapusage: no "used ="');
  return Math.round(Number(match[1]) * (UNITS[match[2]] ?? 1));
}

/** Parses `sysctl kern.memorystatus_vm_pressure_level` (with or without `-n`). */
export function parsePressureLevel(text: string): number | undefined {
  const match = /(\d+)\s*$/.exec(text.trim());
  return match?.[1] ? Number(match[1]) : undefined;
}

/** The macOS probe; a failing `vm_stat` fails the read (the gate then proceeds by policy). */
export function macosProbe(run: RunCommand): MemoryProbe {
  return {
    async read(): Promise<MemoryReading> {
      const { availableBytes } = parseVmStat(await run("/usr/bin/vm_stat", []));
      const swap = await run("/usr/sbin/sysctl", ["vm.swapusage"]).then(parseSwapUsage, () => 0);
      const pressure = await run("/usr/sbin/sysctl", ["kern.memorystatus_vm_pressure_level"])
        .then(parsePressureLevel, () => undefined);
      return { availableBytes, swapUsedBytes: swap, ...(pressure ? { pressure } : {}) };
    },
  };
}
