import assert from "node:assert/strict";
import { CommitQueue, settleCommits } from "./commit_queue.ts";

/** A promise the test resolves by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => open = resolve);
  return { promise, open };
}

Deno.test("queued jobs run one at a time in queue order; run() waits for what was queued before", async () => {
  const q = new CommitQueue();
  const seen: string[] = [];
  const first = gate();
  void q.enqueue(["a.py"], async () => {
    await first.promise;
    seen.push("a");
  });
  void q.enqueue(["b.py"], () => Promise.resolve(void seen.push("b")));
  const after = q.run(() => Promise.resolve(seen.push("run")));
  assert.deepEqual(seen, []);
  first.open();
  await after;
  assert.deepEqual(seen, ["a", "b", "run"]);
  assert.equal(q.size, 0);
});

Deno.test("settled(paths) waits only for the queued commits holding those paths (folders included)", async () => {
  const q = new CommitQueue();
  const a = gate();
  const b = gate();
  let aDone = false;
  void q.enqueue(["src/a.py"], async () => {
    await a.promise;
    aDone = true;
  });
  void q.enqueue(["b.py"], () => b.promise);
  // b.py's commit is queued behind a's: a write of b.py waits for both to land.
  const forB = q.settled(["b.py"]);
  let bSettled = false;
  void forB.then(() => bSettled = true);
  // Nothing queued holds c.py: no wait.
  await q.settled(["c.py"]);
  a.open();
  // The folder holds src/a.py: waiting for "src" waits for a's commit.
  await q.settled(["src"]);
  assert.equal(aDone, true);
  assert.equal(bSettled, false);
  b.open();
  await forB;
  assert.equal(q.size, 0);
});

Deno.test("a job that throws does not stop the queue", async () => {
  const q = new CommitQueue();
  const seen: string[] = [];
  void q.enqueue(["a"], () => Promise.reject(new Error("boom")));
  await q.enqueue(["b"], () => Promise.resolve(void seen.push("b")));
  assert.deepEqual(seen, ["b"]);
});

Deno.test("settleCommits waits for every queue, including jobs queued while it waits", async () => {
  const q1 = new CommitQueue();
  const q2 = new CommitQueue();
  const seen: string[] = [];
  const g = gate();
  void q1.enqueue(["x"], async () => {
    await g.promise;
    seen.push("q1");
    // Queued by a landing job: settleCommits must wait for it too.
    void q2.enqueue(["y"], () => Promise.resolve(void seen.push("q2 late")));
  });
  const settled = settleCommits();
  g.open();
  await settled;
  assert.deepEqual(seen, ["q1", "q2 late"]);
  assert.equal(q1.size + q2.size, 0);
});

Deno.test("a job's trailing work does not hold up the next job, but settled() and settleCommits wait for it", async () => {
  const q = new CommitQueue();
  const seen: string[] = [];
  const record = gate();
  void q.enqueue(["a.py"], () => {
    seen.push("a landed");
    return Promise.resolve({ after: record.promise.then(() => void seen.push("a recorded")) });
  });
  const b = q.enqueue(["b.py"], () => Promise.resolve(void seen.push("b landed")));
  await b;
  // b's commit landed while a's record was still being written.
  assert.deepEqual(seen, ["a landed", "b landed"]);
  let aSettled = false;
  const forA = q.settled(["a.py"]).then(() => aSettled = true);
  const all = settleCommits();
  await q.settled(["b.py"]);
  assert.equal(aSettled, false);
  record.open();
  await Promise.all([forA, all]);
  assert.deepEqual(seen, ["a landed", "b landed", "a recorded"]);
  assert.equal(q.size, 0);
});
