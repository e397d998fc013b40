/**
 * The memory probe port and its runtime implementations: Linux and Windows
 * read `Deno.systemMemoryInfo()`, macOS runs `vm_stat` and `sysctl`, and an
 * NVIDIA GPU adds its free VRAM when `nvidia-smi` is present.
 *
 * @module
 */
import { macosProbe } from "./macos.ts";
import { nvidiaProbe } from "./nvidia.ts";

/** One memory reading. */
export interface MemoryReading {
  /** Memory available for loading a model, in bytes. */
  availableBytes: number;
  /** Swap in use, in bytes. */
  swapUsedBytes: number;
  /** macOS pressure level: 1 normal, 2 warn, 4 critical. */
  pressure?: number;
}

/** Reads memory. */
export interface MemoryProbe {
  /** Takes one reading. */
  read(): Promise<MemoryReading>;
}

/** Runs a program and returns its stdout; rejects when it cannot run or fails. */
export type RunCommand = (program: string, args: string[]) => Promise<string>;

/** {@linkcode RunCommand} on `Deno.Command`. */
export async function runCommand(program: string, args: string[]): Promise<string> {
  const output = await new Deno.Command(program, { args, stdout: "piped", stderr: "null" })
    .output();
  if (!output.success) throw new Error(`Cannot run "${program}": exit code ${output.code}`);
  return new TextDecoder().decode(output.stdout);
}

/** The subset of `Deno.SystemMemoryInfo` the probe uses (bytes). */
export interface SystemMemoryInfo {
  /** Available memory (Linux `MemAvailable`, Windows free physical memory). */
  available: number;
  /** Swap size. */
  swapTotal: number;
  /** Free swap. */
  swapFree: number;
}

/** Probe for Linux and Windows on `Deno.systemMemoryInfo()` (or an injected reader). */
export function systemMemoryProbe(
  info: () => SystemMemoryInfo = () => Deno.systemMemoryInfo(),
): MemoryProbe {
  return {
    read() {
      const now = info();
      return Promise.resolve({
        availableBytes: now.available,
        swapUsedBytes: Math.max(0, now.swapTotal - now.swapFree),
      });
    },
  };
}

/** Adds the available bytes of `extra` probes (e.g. VRAM) to `primary`'s reading. */
export function combineProbes(primary: MemoryProbe, extra: MemoryProbe[]): MemoryProbe {
  return {
    async read() {
      const base = await primary.read();
      for (const probe of extra) {
        base.availableBytes += (await probe.read()).availableBytes;
      }
      return base;
    },
  };
}

/** A probe that always reports `reading` (tests, replay, unknown platforms). */
export function fixedProbe(reading: MemoryReading): MemoryProbe {
  return { read: () => Promise.resolve({ ...reading }) };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Picks the probe for this OS; adds NVIDIA VRAM when `/usr/bin/nvidia-smi` exists. */
export async function defaultMemoryProbe(
  os: typeof Deno.build.os = Deno.build.os,
): Promise<MemoryProbe> {
  if (os === "darwin") return macosProbe(runCommand);
  const base = systemMemoryProbe();
  if (os === "linux" && await exists("/usr/bin/nvidia-smi")) {
    return combineProbes(base, [nvidiaProbe(runCommand)]);
  }
  return base;
}
