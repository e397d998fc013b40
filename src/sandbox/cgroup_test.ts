import assert from "node:assert/strict";
import { cgroupLauncher, cgroupParents, memoryKills, parseCreated, parseEvents } from "./cgroup.ts";

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

Deno.test("memoryKills reads the kernel's counters of v2 and v1 folders, last line without a newline too", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lao_cgroup_" });
  try {
    const v2 = `${dir}/v2`;
    const v1 = `${dir}/v1`;
    await Deno.mkdir(v2);
    await Deno.mkdir(v1);
    await Deno.writeTextFile(`${v2}/memory.events`, "low 0\nhigh 0\nmax 5\noom 1\noom_kill 2\n");
    await Deno.writeTextFile(
      `${v1}/memory.oom_control`,
      "oom_kill_disable 0\nunder_oom 0\noom_kill 3",
    );
    const at = (path: string, version: 1 | 2) => ({
      paths: [path],
      memory: { path, version, swapCapped: true },
    });
    assert.equal(await memoryKills(at(v2, 2)), 2);
    assert.equal(await memoryKills(at(v1, 1)), 3);
    assert.equal(await memoryKills({ paths: [v2] }), 0, "no memory cgroup, nothing read");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
