import assert from "node:assert/strict";
import { cgroupLauncher, cgroupParents, parseCreated, parseEvents } from "./cgroup.ts";

Deno.test("cgroupParents: v1 pids and memory hierarchies, then v2", () => {
  const p = cgroupParents("8:pids:/\n4:memory:/jobs/a\n1:cpu:/\n0::/user.slice\n");
  assert.deepEqual(p.pids, [
    "/sys/fs/cgroup/pids",
    "/sys/fs/cgroup/user.slice",
    "/sys/fs/cgroup/unified/user.slice",
  ]);
  assert.deepEqual(p.memoryV1, ["/sys/fs/cgroup/memory/jobs/a"]);
});

Deno.test("parseCreated: one v2 folder holds both limits; v1 joins two hierarchies", () => {
  assert.deepEqual(parseCreated("pids /cg/lao-1\nmemory2 /cg/lao-1 swap-off\n"), {
    paths: ["/cg/lao-1"],
    pids: "/cg/lao-1",
    memory: { path: "/cg/lao-1", version: 2, swapCapped: true },
  });
  assert.deepEqual(parseCreated("pids /p/lao-1\nmemory1 /m/lao-1 swap-on\n"), {
    paths: ["/p/lao-1", "/m/lao-1"],
    pids: "/p/lao-1",
    memory: { path: "/m/lao-1", version: 1, swapCapped: false },
  });
  assert.equal(parseCreated(""), undefined);
});

Deno.test("parseEvents: which limit acted", () => {
  assert.deepEqual(parseEvents("pids-max 3\nfailcnt 0\noom-kill 0\n"), {
    processLimitHit: true,
    oomKills: 0,
    memoryLimitHit: false,
  });
  assert.deepEqual(parseEvents("pids-max 0\nmem-max 12\noom-kill 2\n"), {
    processLimitHit: false,
    oomKills: 2,
    memoryLimitHit: true,
  });
});

Deno.test("cgroupLauncher: joins every folder, then execs the program", async () => {
  const args = cgroupLauncher(["/nonexistent/a"], "echo", ["ran"]);
  const o = await new Deno.Command("sh", { args, stdout: "piped", stderr: "null" }).output();
  assert.equal(o.code, 125);
  assert.equal(new TextDecoder().decode(o.stdout), "");
});
