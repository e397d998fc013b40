/**
 * `/proc/meminfo` parser. At runtime the Linux probe reads
 * `Deno.systemMemoryInfo()` (reading `/proc` needs `--allow-all` in Deno);
 * this parser is the same maths, kept pure and tested on real captures.
 *
 * @module
 */
import type { MemoryReading } from "./probe.ts";

/** Parses `/proc/meminfo` (kB values) into a reading; uses `MemAvailable`, never `MemFree`. */
export function parseMeminfo(text: string): MemoryReading & { totalBytes: number } {
  const kb = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^([\w()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line.trim());
    if (match?.[1] && match[2]) kb.set(match[1], Number(match[2]) * 1024);
  }
  const available = kb.get("MemAvailable");
  if (available === undefined) {
    throw new SyntaxError('Cannot parse meminfo: no "MemAvailable" line');
  }
  return {
    totalBytes: kb.get("MemTotal") ?? 0,
    availableBytes: available,
    swapUsedBytes: Math.max(0, (kb.get("SwapTotal") ?? 0) - (kb.get("SwapFree") ?? 0)),
  };
}
