import assert from "node:assert/strict";
import { parseMeminfo } from "./linux.ts";
import { macosProbe, parsePressureLevel, parseSwapUsage, parseVmStat } from "./macos.ts";
import { nvidiaProbe, parseNvidiaSmi } from "./nvidia.ts";
import { combineProbes, fixedProbe, systemMemoryProbe } from "./probe.ts";
import { parseWin32OperatingSystem } from "./windows.ts";

const fixture = (name: string) =>
  Deno.readTextFileSync(new URL(`../../../tests/fixtures/memory/${name}`, import.meta.url));

Deno.test("parseMeminfo() uses MemAvailable and swap total minus free", () => {
  const reading = parseMeminfo(fixture("meminfo_linux.txt"));
  assert.equal(reading.availableBytes, 41203768 * 1024);
  assert.equal(reading.totalBytes, 65768996 * 1024);
  assert.equal(reading.swapUsedBytes, (8388604 - 7864316) * 1024);
});

Deno.test("parseMeminfo() rejects text without MemAvailable", () => {
  assert.throws(() => parseMeminfo("MemFree: 12 kB"), /no "MemAvailable" line/);
});

Deno.test("parseVmStat() takes the page size from the header (Apple Silicon and Intel)", () => {
  const arm = parseVmStat(fixture("vm_stat_arm64.txt"));
  assert.equal(arm.pageSize, 16384);
  assert.equal(arm.availableBytes, (14632 + 12458 + 642350 + 21405) * 16384);
  const intel = parseVmStat(fixture("vm_stat_intel.txt"));
  assert.equal(intel.pageSize, 4096);
  assert.equal(intel.availableBytes, (51234 + 8123 + 1150234 + 34567) * 4096);
});

Deno.test("sysctl swap usage and pressure level are parsed", () => {
  assert.equal(parseSwapUsage(fixture("sysctl_swapusage.txt")), Math.round(2455.25 * 1024 ** 2));
  assert.equal(parsePressureLevel(fixture("sysctl_pressure_level.txt")), 2);
  assert.equal(parsePressureLevel("4\n"), 4);
});

Deno.test("the macOS probe runs vm_stat and sysctl by absolute path", async () => {
  const calls: string[] = [];
  const probe = macosProbe((program, args) => {
    calls.push([program, ...args].join(" "));
    if (program === "/usr/bin/vm_stat") return Promise.resolve(fixture("vm_stat_arm64.txt"));
    if (args[0] === "vm.swapusage") return Promise.resolve(fixture("sysctl_swapusage.txt"));
    return Promise.reject(new Error("no pressure level"));
  });
  const reading = await probe.read();
  assert.equal(reading.pressure, undefined);
  assert.ok(reading.availableBytes > 10 * 1024 ** 3);
  assert.deepEqual(calls, [
    "/usr/bin/vm_stat",
    "/usr/sbin/sysctl vm.swapusage",
    "/usr/sbin/sysctl kern.memorystatus_vm_pressure_level",
  ]);
});

Deno.test("parseWin32OperatingSystem() reads KB fields", () => {
  const reading = parseWin32OperatingSystem(fixture("win32_operatingsystem.txt"));
  assert.equal(reading.availableBytes, 18734512 * 1024);
  assert.equal(reading.totalBytes, 33476552 * 1024);
  assert.equal(reading.swapUsedBytes, ((38457288 - 22109876) - (33476552 - 18734512)) * 1024);
});

Deno.test("nvidia-smi lines give per-GPU bytes and the probe sums free VRAM", async () => {
  const gpus = parseNvidiaSmi(fixture("nvidia_smi.txt"));
  assert.deepEqual(gpus.map((g) => g.usedBytes / 1024 ** 2), [18234, 512]);
  const probe = combineProbes(fixedProbe({ availableBytes: 1, swapUsedBytes: 7 }), [
    nvidiaProbe(() => Promise.resolve(fixture("nvidia_smi.txt"))),
  ]);
  const reading = await probe.read();
  assert.equal(reading.availableBytes, 1 + ((24564 - 18234) + (24564 - 512)) * 1024 ** 2);
  assert.equal(reading.swapUsedBytes, 7);
  assert.throws(() => parseNvidiaSmi("[N/A], 24564"), /Cannot parse nvidia-smi line/);
});

Deno.test("the system probe reports available memory and used swap", async () => {
  const probe = systemMemoryProbe(() => ({ available: 5000, swapTotal: 100, swapFree: 40 }));
  assert.deepEqual(await probe.read(), { availableBytes: 5000, swapUsedBytes: 60 });
  const real = await systemMemoryProbe().read();
  assert.ok(real.availableBytes > 0);
});
