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
      new URL("../../testing/store_workers/hold_lock.ts", import.meta.url).pathname,
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
  // The lease is an hour long, so a slow machine cannot make the live holder look stale;
  // time only moves when the waiting side sleeps.
  const ttlMs = 3_600_000;
  let now = Date.now();
  const slept: number[] = [];
  const clock = {
    now: () => now,
    sleep: (ms: number) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
  try {
    await assert.rejects(
      () => acquireRunLock(store.db, { ttlMs, heartbeatMs: 100, waitForStale: false, ...clock }),
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
    const lock = await acquireRunLock(store.db, { ttlMs, heartbeatMs: 100, ...clock });
    // It watched the dead holder for missed heartbeats, then waited out the rest of its lease.
    assert.equal(slept.length, 2, `sleeps: ${slept}`);
    assert.equal(slept[0], 250);
    assert.ok(slept[1]! > ttlMs - 60_000, `waited ${slept[1]} ms of a ${ttlMs} ms lease`);
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
