/**
 * NVIDIA VRAM via `nvidia-smi --query-gpu=memory.used,memory.total
 * --format=csv,noheader,nounits` (MiB, one line per GPU).
 *
 * @module
 */
import type { MemoryProbe, RunCommand } from "./probe.ts";

/** One GPU's memory in bytes. */
export interface GpuMemory {
  /** Used VRAM. */
  usedBytes: number;
  /** Total VRAM. */
  totalBytes: number;
}

/** Parses the CSV lines. */
export function parseNvidiaSmi(text: string): GpuMemory[] {
  const mib = 1024 * 1024;
  return text.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
    const [used, total] = line.split(",").map((cell) => Number(cell.trim()));
    if (used === undefined || total === undefined || Number.isNaN(used) || Number.isNaN(total)) {
      throw new SyntaxError(`Cannot parse nvidia-smi line "${line}": expected "used, total"`);
    }
    return { usedBytes: used * mib, totalBytes: total * mib };
  });
}

/** Probe reporting free VRAM summed over GPUs (swap 0). */
export function nvidiaProbe(run: RunCommand): MemoryProbe {
  return {
    async read() {
      const text = await run("/usr/bin/nvidia-smi", [
        "--query-gpu=memory.used,memory.total",
        "--format=csv,noheader,nounits",
      ]);
      const free = parseNvidiaSmi(text).reduce((n, g) => n + g.totalBytes - g.usedBytes, 0);
      return { availableBytes: free, swapUsedBytes: 0 };
    },
  };
}
