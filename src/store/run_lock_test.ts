import assert from "node:assert/strict";
import { join } from "node:path";
import { ExitCode, UserError } from "../errors.ts";
import { acquireRunLock } from "./run_lock.ts";
import { Store } from "./store.ts";

const denoJson = new URL("../../deno.json", import.meta.url).pathname;

async function startHolder(dbPath: string) {
  const child = new Deno.Command("deno", {
    args: [
      "run",
      "--quiet",
      "--config",
      denoJson,
      "-P=lao",
      new URL("./testdata/hold_lock.ts", import.meta.url).pathname,
      dbPath,
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("locked")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("lock holder exited early");
    seen += value;
  }
  return { child, reader };
}

Deno.test("a second process refuses cleanly while the first holds the run lock, and takes over once it is killed", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "lao_lock_" });
  const path = join(dir, "state.db");
  const store = Store.open(path);
  const { child: holder, reader } = await startHolder(path);
  try {
    await assert.rejects(
      () => acquireRunLock(store.db, { ttlMs: 1000, heartbeatMs: 100, waitForStale: false }),
      (err: unknown) => {
        assert.ok(err instanceof UserError);
        assert.equal(err.exitCode, ExitCode.Locked);
        assert.match(err.message, /another "lao run" \(pid \d+ on .*\) is using this database/);
        return true;
      },
    );
    holder.kill("SIGKILL");
    await holder.status;
    await reader.cancel();
    const lock = await acquireRunLock(store.db, { ttlMs: 1000, heartbeatMs: 100 });
    assert.equal(lock.heartbeat(), true);
    lock.release();
  } finally {
    try {
      holder.kill("SIGKILL");
    } catch { /* already gone */ }
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a released lock is free at once and a lost lease reports it", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "lao_lock_" });
  const store = Store.open(join(dir, "state.db"));
  try {
    let now = 1_000_000;
    const a = await acquireRunLock(store.db, { now: () => now, pid: 1 });
    await assert.rejects(() =>
      acquireRunLock(store.db, { now: () => now, pid: 2, waitForStale: false })
    );
    now += 60_000; // a's heartbeats stopped: stale
    const b = await acquireRunLock(store.db, { now: () => now, pid: 2, waitForStale: false });
    assert.equal(a.heartbeat(), false);
    b.release();
    a.release();
    const c = await acquireRunLock(store.db, { now: () => now, pid: 3, waitForStale: false });
    c.release();
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
