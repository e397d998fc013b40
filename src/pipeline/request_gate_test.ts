import assert from "node:assert/strict";
import { requestGate, tasksPerServer } from "./request_gate.ts";

/** A request the test finishes by hand. */
function held() {
  let finish!: () => void;
  const done = new Promise<void>((r) => finish = r);
  return { done, finish };
}

Deno.test("a gate of 2 runs 2 requests at once; the others start in the order they asked", async () => {
  const gate = requestGate(2);
  const started: string[] = [];
  const requests = ["a", "b", "c", "d"].map((name) => {
    const h = held();
    const result = gate.run(async () => {
      started.push(name);
      await h.done;
      return name;
    });
    return { name, ...h, result };
  });
  await Promise.resolve();
  assert.deepEqual(started, ["a", "b"]);
  assert.equal(gate.running, 2);
  assert.equal(gate.waiting, 2);
  requests[1]!.finish();
  assert.equal(await requests[1]!.result, "b");
  assert.deepEqual(started, ["a", "b", "c"], "c, the first to wait, takes b's place");
  assert.equal(gate.running, 2);
  requests[0]!.finish();
  await requests[0]!.result;
  assert.deepEqual(started, ["a", "b", "c", "d"]);
  requests[2]!.finish();
  requests[3]!.finish();
  assert.deepEqual(await Promise.all(requests.map((r) => r.result)), ["a", "b", "c", "d"]);
  assert.equal(gate.running, 0);
  assert.equal(gate.waiting, 0);
});

Deno.test("a request that throws frees its place for the next one", async () => {
  const gate = requestGate(1);
  const failing = gate.run(() => Promise.reject(new Error("server down")));
  const next = gate.run(() => Promise.resolve("ok"));
  await assert.rejects(failing, /server down/);
  assert.equal(await next, "ok");
  assert.equal(gate.running, 0);
});

Deno.test("the only server of N >= 2 slots runs N + 1 tasks; one slot, or two servers, one per slot", () => {
  assert.equal(tasksPerServer(1), 1);
  assert.equal(tasksPerServer(2), 3);
  assert.equal(tasksPerServer(4), 5);
  assert.equal(tasksPerServer(4, false), 4);
});
