/**
 * Windows memory from `Get-CimInstance Win32_OperatingSystem | Format-List
 * FreePhysicalMemory,TotalVisibleMemorySize,FreeVirtualMemory,TotalVirtualMemorySize`
 * (all in KB). At runtime the probe uses `Deno.systemMemoryInfo()`; this
 * parser serves diagnostics and is tested on a capture.
 *
 * @module
 */
import type { MemoryReading } from "./probe.ts";

/** Parses the `Format-List` output into a reading (swap ≈ virtual minus physical use). */
export function parseWin32OperatingSystem(text: string): MemoryReading & { totalBytes: number } {
  const kb = new Map<string, number>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(\w+)\s*:\s*(\d+)\s*$/.exec(line);
    if (match?.[1] && match[2]) kb.set(match[1], Number(match[2]) * 1024);
  }
  const free = kb.get("FreePhysicalMemory");
  const total = kb.get("TotalVisibleMemorySize");
  if (free === undefined || total === undefined) {
    throw new SyntaxError('Cannot parse Win32_OperatingSystem: no "FreePhysicalMemory" field');
  }
  const virtualUsed = (kb.get("TotalVirtualMemorySize") ?? total) -
    (kb.get("FreeVirtualMemory") ?? free);
  return {
    totalBytes: total,
    availableBytes: free,
    swapUsedBytes: Math.max(0, virtualUsed - (total - free)),
  };
}
