import assert from "node:assert/strict";
import { sandboxStatusLine } from "./status.ts";

const bwrap = { kind: "bwrap" as const, path: "/usr/bin/bwrap", prlimit: "/usr/bin/prlimit" };

Deno.test("status line: a memory cgroup gives plain limits", () => {
  const line = sandboxStatusLine({
    backend: { ...bwrap, cgroups: { pids: true, memory: true, swapCapped: true } },
    mode: "auto",
    network: false,
  });
  assert.equal(line, "sandbox: bwrap (workspace-write, host hidden, net off, limits)");
});

Deno.test("status line: without a memory cgroup it says memory is per process only", () => {
  const line = sandboxStatusLine({
    backend: { ...bwrap, cgroups: { pids: false, memory: false, swapCapped: false } },
    mode: "auto",
    network: false,
  });
  assert.match(line, /limits; memory per process only: no memory cgroup\)$/);
});
