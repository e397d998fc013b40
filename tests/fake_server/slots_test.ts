import assert from "node:assert/strict";
import { start } from "./server.ts";
import { aggregateSpeedup, coveredMs, generationMs, SlotGate } from "./slots.ts";

Deno.test("batching curve: 4 in flight give 2.75x the aggregate of one (the middle of the issue's 2-3.5x), each request slower", () => {
  assert.equal(aggregateSpeedup(1), 1);
  assert.equal(aggregateSpeedup(4).toFixed(2), "2.75");
  assert.ok(aggregateSpeedup(2) > 1 && aggregateSpeedup(2) < aggregateSpeedup(4));
  assert.ok(aggregateSpeedup(8) > aggregateSpeedup(4), "more in flight still add throughput");
  assert.ok(generationMs(60, 30, 4) > generationMs(60, 30, 1));
  assert.equal(generationMs(60, 30, 1), 2000);
});

Deno.test("slot gate: N generate at once, the rest wait in order; time comes from the injected sleep", async () => {
  const sleeps: { ms: number; wake: () => void }[] = [];
  const sleep = (ms: number) => new Promise<void>((wake) => sleeps.push({ ms, wake }));
  const gate = new SlotGate({ slots: 2, tokensPerSecond: 30, completionTokens: 60, sleep });
  const order: number[] = [];
  const runs = [1, 2, 3].map((i) => gate.run(() => Promise.resolve(order.push(i))));
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(gate.inFlight, 2);
  assert.equal(sleeps.length, 2, "the third request waits for a slot");
  assert.equal(gate.queued, 1);
  sleeps[0]!.wake();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(sleeps.length, 3, "the freed slot goes to the waiting request");
  assert.ok(sleeps[2]!.ms > 2000, "two in flight: slower than one alone");
  sleeps[1]!.wake();
  sleeps[2]!.wake();
  await Promise.all(runs);
  assert.deepEqual(order, [1, 2, 3]);
  assert.equal(gate.peak, 2);
  assert.equal(gate.inFlight, 0);
});

Deno.test("slot gate: a busy span runs from the first request in until the last one out", async () => {
  let t = 0;
  const wakes: (() => void)[] = [];
  const sleep = () => new Promise<void>((wake) => wakes.push(wake));
  const gate = new SlotGate({
    slots: 2,
    tokensPerSecond: 30,
    completionTokens: 60,
    sleep,
    now: () => t,
  });
  const tick = () => new Promise((r) => setTimeout(r, 0));
  t = 100;
  const a = gate.run(() => Promise.resolve());
  t = 150;
  const b = gate.run(() => Promise.resolve());
  await tick();
  t = 300;
  wakes[0]!();
  await a;
  assert.deepEqual(gate.spans, [], "one request still generating");
  t = 400;
  wakes[1]!();
  await b;
  t = 1000;
  const c = gate.run(() => Promise.resolve());
  await tick();
  t = 1200;
  wakes[2]!();
  await c;
  assert.deepEqual(gate.spans, [{ start: 100, end: 400 }, { start: 1000, end: 1200 }]);
});

Deno.test("covered time counts overlapping spans once", () => {
  assert.equal(coveredMs([]), 0);
  assert.equal(coveredMs([{ start: 5, end: 10 }, { start: 0, end: 4 }]), 9);
  assert.equal(coveredMs([{ start: 0, end: 10 }, { start: 2, end: 3 }, { start: 8, end: 15 }]), 15);
  assert.equal(coveredMs([{ start: 0, end: 10 }, { start: 10, end: 12 }]), 12);
});

Deno.test("fake server with generation slots: 2 per model at once, the third queued; /props says 2", async () => {
  const held: (() => void)[] = [];
  const sleep = () => new Promise<void>((wake) => held.push(wake));
  await using fake = await start({
    flavor: "llamacpp",
    llamacppMode: "single",
    generation: { slots: 2, tokensPerSecond: 30, sleep },
    respond: () => ({ content: "ok" }),
  });
  const props = await (await fetch(`${fake.url}/props`)).json();
  assert.equal(props.total_slots, 2);
  const ask = () =>
    fetch(`${fake.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
    }).then((r) => r.json());
  const answers = [ask(), ask(), ask()];
  while (held.length < 2) await new Promise((r) => setTimeout(r, 5));
  const gate = [...fake.gates.values()][0]!;
  assert.equal(gate.inFlight, 2);
  assert.equal(gate.queued, 1);
  while (held.length < 3) {
    held.forEach((wake) => wake()), await new Promise((r) => setTimeout(r, 5));
  }
  held.forEach((wake) => wake());
  const replies = await Promise.all(answers);
  assert.ok(replies.every((r) => r.choices[0].message.content === "ok"));
  assert.equal(gate.peak, 2);
});
