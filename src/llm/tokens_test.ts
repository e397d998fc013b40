import assert from "node:assert/strict";
import { start } from "../../tests/fake_server/server.ts";
import {
  cl100k,
  countApart,
  countWithServer,
  estimateMessages,
  fits,
  memoized,
  TokenCalibration,
} from "./tokens.ts";

Deno.test("cl100k counts a known sentence exactly", async () => {
  const count = await cl100k();
  assert.equal(count("hello world"), 2);
});

Deno.test("cl100k counts special-token text in a plan as plain text instead of refusing it", async () => {
  const count = await cl100k();
  // What js-tiktoken's encode(text, [], []) gave: the markers split into ordinary tokens.
  assert.equal(count("<|endoftext|> hi <|fim_prefix|>"), 14);
  assert.equal(count("ünïcödé 😀 中文"), 9);
});

Deno.test("a message list costs 4 tokens per message plus content and tool calls", () => {
  const chars = (text: string) => text.length;
  const total = estimateMessages(chars, [
    { role: "user", content: "abc" },
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "1", type: "function", function: { name: "ls", arguments: "{}" } }],
    },
  ]);
  assert.equal(total, 4 + 3 + 4 + 2 + 2);
});

Deno.test("calibration learns that a model's tokenizer counts more", () => {
  const calibration = new TokenCalibration();
  assert.equal(calibration.factor("qwen"), 1.1);
  calibration.observe("qwen", 1000, 1500);
  assert.equal(calibration.factor("qwen"), 1.5);
  calibration.observe("llama", 1000, 900);
  assert.equal(calibration.factor("llama"), 1, "never below the raw estimate");
});

Deno.test("fits() compares the calibrated estimate with context minus reserve", async () => {
  const role = { key: "m", context_length: 100 };
  const words = (text: string) => text.split(" ").length;
  const small = await fits(role, [{ role: "user", content: "one two" }], 50, { count: words });
  assert.deepEqual(small, { fits: true, promptTokens: Math.ceil(6 * 1.1), available: 50 });
  const big = await fits(role, [{ role: "user", content: "w ".repeat(60) }], 50, { count: words });
  assert.equal(big.fits, false);
});

Deno.test("llama.cpp /tokenize counts server-side; other servers give undefined", async () => {
  await using llama = await start({ flavor: "llamacpp" });
  assert.equal(await countWithServer(llama.url, "a".repeat(40)), 10);
  await using lms = await start();
  assert.equal(await countWithServer(lms.url, "abc"), undefined);
});

Deno.test("long runs are estimated, not encoded, and never under-counted", async () => {
  const count = await cl100k();
  const encoded: string[] = [];
  const spy = (t: string) => {
    encoded.push(t);
    return t.length;
  };
  assert.equal(countApart(">".repeat(5000), spy), Math.ceil(5000 / 3));
  assert.deepEqual(encoded, []);
  assert.equal(countApart("a b c", spy), 5);
  // The real encoder gives a line of 3,000 "=" far fewer tokens than the estimate.
  const line = "=".repeat(3000);
  assert.ok(count(line) >= 1000);
  assert.ok(count(`x = 1\n${line}\ny = 2`) > count("x = 1\ny = 2"));
});

Deno.test("memoized() counts a long text once and still tells texts apart", () => {
  let calls = 0;
  const count = memoized((text) => {
    calls++;
    return text.length;
  });
  const long = "word ".repeat(100);
  assert.equal(count(long), 500);
  assert.equal(count(long), 500);
  assert.equal(calls, 1);
  assert.equal(count(long + "x"), 501);
  assert.equal(count("short"), 5);
  assert.equal(count("short"), 5);
  assert.equal(calls, 4);
});
