/**
 * Seeded fuzzing of server replies: random truncations, garbage, byte flips,
 * duplications and chunkings of valid SSE streams and JSON bodies. The client
 * must return a result or a classified `LlmError` (an infrastructure one, or
 * an empty answer when the damage removed the text) — never anything else —
 * and never read more than its cap.
 */
import assert from "node:assert/strict";
import { LlmError } from "./errors.ts";
import { createOpenAiClient } from "./openai_client.ts";
import { replyCaps } from "./transport.ts";

const fixture = (name: string) =>
  Deno.readTextFileSync(new URL(`../../testing/llm_replies/${name}`, import.meta.url));

/** mulberry32: a small seeded generator. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  let out = bytes;
  const steps = 1 + Math.floor(random() * 3);
  for (let s = 0; s < steps; s++) {
    const at = Math.floor(random() * (out.length + 1));
    switch (Math.floor(random() * 5)) {
      case 0: // truncate
        out = out.slice(0, at);
        break;
      case 1: { // insert garbage
        const junk = Uint8Array.from(
          { length: 1 + Math.floor(random() * 64) },
          () => Math.floor(random() * 256),
        );
        out = new Uint8Array([...out.slice(0, at), ...junk, ...out.slice(at)]);
        break;
      }
      case 2: // flip a byte
        if (out.length) {
          out = out.slice();
          out[Math.min(at, out.length - 1)] = Math.floor(random() * 256);
        }
        break;
      case 3: { // duplicate a slice
        const end = Math.min(out.length, at + Math.floor(random() * 400));
        out = new Uint8Array([...out.slice(0, end), ...out.slice(at, end), ...out.slice(end)]);
        break;
      }
      default: // drop a slice
        out = new Uint8Array([...out.slice(0, at), ...out.slice(at + Math.floor(random() * 200))]);
    }
  }
  return out;
}

/** Serves `bytes` in random chunk sizes, counting what the client pulled. */
function chunked(bytes: Uint8Array, random: () => number, pulled: { bytes: number }) {
  let at = 0;
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      const size = 1 + Math.floor(random() * 700);
      const piece = bytes.slice(at, at + size) as Uint8Array<ArrayBuffer>;
      at += size;
      pulled.bytes += piece.length;
      controller.enqueue(piece);
    },
  });
}

const streams = ["llamacpp_tool_call_stream.sse", "llamacpp_json_schema_stream.sse"].map((f) =>
  new TextEncoder().encode(fixture(f))
);
const whole = new TextEncoder().encode(JSON.stringify({
  choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "hello" } }],
  usage: { prompt_tokens: 3, completion_tokens: 1 },
}));

Deno.test("fuzzed replies give a result or a classified error, never anything else", async () => {
  const random = rng(20261201);
  const outcomes = new Map<string, number>();
  for (let i = 0; i < 400; i++) {
    const stream = i % 4 !== 3;
    const base = stream ? streams[i % 2]! : whole;
    const bytes = mutate(base, random);
    const pulled = { bytes: 0 };
    const client = createOpenAiClient({
      baseUrl: "http://fake.invalid",
      apiKey: "k",
      timeoutMs: 5000,
      fetch: () =>
        Promise.resolve(
          new Response(chunked(bytes, random, pulled), {
            headers: { "content-type": stream ? "text/event-stream" : "application/json" },
          }),
        ),
    });
    const outcome = await client.chat({
      role: "coder",
      model: "m",
      messages: [{ role: "user", content: "x" }],
      max_tokens: 4096,
      stream,
    }).then(() => "ok", (err) => err);
    if (outcome !== "ok") {
      assert.ok(outcome instanceof LlmError, `case ${i}: ${outcome?.name}: ${outcome}`);
      assert.ok(
        outcome.infrastructure || outcome.kind === "empty_answer",
        `case ${i}: ${outcome.kind} is not infrastructure: ${outcome.message}`,
      );
      assert.ok(!outcome.message.includes("\n"), `case ${i}: one line`);
    }
    assert.ok(pulled.bytes <= replyCaps(4096).wireBytes + 700);
    const key = outcome === "ok" ? "ok" : outcome.kind;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
  // The generator does damage: most cases fail, some survive.
  assert.ok((outcomes.get("malformed_response") ?? 0) > 100, JSON.stringify([...outcomes]));
  assert.ok((outcomes.get("ok") ?? 0) > 0, JSON.stringify([...outcomes]));
});
