import assert from "node:assert/strict";
import { start } from "./server.ts";

Deno.test("POST /__fake/faults injects a fault for the next chat only", async () => {
  await using fake = await start({ respond: () => ({ content: "fine" }) });
  const set = await fetch(`${fake.url}/__fake/faults`, {
    method: "POST",
    body: JSON.stringify({ faults: [{ kind: "http_503" }] }),
  });
  await set.body?.cancel();
  const chat = () =>
    fetch(`${fake.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({
        model: "qwen/qwen3-coder-30b",
        messages: [{ role: "user", content: "x" }],
      }),
    });
  const first = await chat();
  assert.equal(first.status, 503);
  assert.match(await first.text(), /server busy/);
  const second = await chat();
  assert.equal(second.status, 200);
  await second.body?.cancel();
});

Deno.test("/v1/models lists every download with JIT on and only loaded models with it off", async () => {
  await using fake = await start({ loaded: ["qwen/qwen3-coder-30b"] });
  const ids = async () =>
    ((await (await fetch(`${fake.url}/v1/models`)).json()).data as { id: string }[]).map((m) =>
      m.id
    );
  assert.equal((await ids()).length, 4);
  fake.state.jit = false;
  assert.deepEqual(await ids(), ["qwen/qwen3-coder-30b"]);
});
