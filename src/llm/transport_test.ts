import assert from "node:assert/strict";
import {
  AuthError,
  BusyError,
  ContextOverflowError,
  InvalidRequestError,
  LlmError,
  MalformedResponseError,
  ReplyTooLargeError,
  RequestTimeoutError,
  ServerError,
} from "./errors.ts";
import { clampTimeoutMs, createOpenAiClient, MAX_TIMER_MS } from "./openai_client.ts";
import { replyCaps } from "./transport.ts";
import type { ChatRequest } from "./types.ts";

const fixture = (name: string) =>
  Deno.readTextFileSync(new URL(`../../testing/llm_replies/${name}`, import.meta.url));

const encoder = new TextEncoder();

/** A client whose server is one canned `Response` per call. */
function canned(make: () => Response, extra: { timeoutMs?: number; keyHint?: string } = {}) {
  return createOpenAiClient({
    baseUrl: "http://fake.invalid",
    apiKey: "k",
    timeoutMs: extra.timeoutMs ?? 5000,
    ...(extra.keyHint ? { keyHint: extra.keyHint } : {}),
    fetch: () => Promise.resolve(make()),
  });
}

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    role: "coder",
    model: "tiny-qwen2.gguf",
    messages: [{ role: "user", content: "hi" }],
    max_tokens: 4096,
    stream: true,
    ...overrides,
  };
}

const sse = (body: BodyInit, status = 200) =>
  new Response(body, { status, headers: { "content-type": "text/event-stream" } });
const jsonReply = (body: string, status: number) =>
  new Response(body, { status, headers: { "content-type": "application/json; charset=utf-8" } });

/** A lazily generated body that counts the bytes the client pulled. */
function lazy(
  piece: string,
  counter: { bytes: number },
  end = Infinity,
): ReadableStream<Uint8Array> {
  const bytes = encoder.encode(piece) as Uint8Array<ArrayBuffer>;
  let n = 0;
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      if (n++ >= end) return controller.close();
      counter.bytes += bytes.byteLength;
      controller.enqueue(bytes);
    },
  });
}

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  const err = await promise.then(() => null, (e) => e);
  assert.ok(err instanceof LlmError, `expected an LlmError, got ${err}`);
  return err;
}

Deno.test("llama.cpp's captured tool-call stream assembles, finish_reason length and usage kept", async () => {
  const result = await canned(() => sse(fixture("llamacpp_tool_call_stream.sse"))).chat(request());
  assert.equal(result.finishReason, "length");
  assert.equal(result.toolCalls[0]?.name, "file_patch");
  assert.equal(result.usage.completionTokens, 4096);
  const schema = await canned(() => sse(fixture("llamacpp_json_schema_stream.sse"))).chat(
    request(),
  );
  assert.equal(schema.usage.promptTokens, 332);
});

Deno.test("a stream cut before its finish reason is an infrastructure fault at every cut point", async () => {
  const raw = fixture("llamacpp_tool_call_stream.sse");
  const finish = raw.indexOf('"finish_reason":"length"');
  for (const cut of [0, 1, 10, 300, 1000, Math.floor(finish / 2), finish - 5]) {
    const err = await failure(canned(() => sse(raw.slice(0, cut))).chat(request()));
    assert.ok(err instanceof MalformedResponseError, `cut ${cut}: ${err.message}`);
    assert.equal(err.infrastructure, true);
    assert.equal(err.retryable, true);
  }
});

Deno.test("garbage SSE and a malformed JSON chunk are infrastructure faults", async () => {
  const raw = fixture("llamacpp_tool_call_stream.sse");
  const head = raw.slice(0, raw.indexOf("\n\n", 800) + 2);
  for (
    const body of [
      `${head}\u0000\u00ff<html>garbage\r\n}}}{{{not sse\n\n`,
      `${head}data: {"choices":[{"delta":\n\n`,
      `${head}data: {"choices":[{"finish_reason":"stop","delta":{"content":"x"}}]}}\n\n`,
      "HTTP/1.1 200 OK\r\n\r\nhello",
    ]
  ) {
    const err = await failure(canned(() => sse(body)).chat(request()));
    assert.ok(err instanceof MalformedResponseError, err.message);
    assert.equal(err.infrastructure, true);
  }
});

Deno.test("an HTML page with status 200 is named as such, streamed or not", async () => {
  const page =
    "<!DOCTYPE html><html><head><title>Proxy Authentication Required</title></head><body>no</body></html>";
  for (const stream of [true, false]) {
    const err = await failure(
      canned(() => new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } }))
        .chat(request({ stream })),
    );
    assert.ok(err instanceof MalformedResponseError);
    assert.equal(err.infrastructure, true);
    assert.match(err.message, /HTML page \(Proxy Authentication Required\)/);
    assert.doesNotMatch(err.message, /<body>/);
  }
});

Deno.test("a 200 MB reply stops at its cap without reading the rest", async () => {
  const caps = replyCaps(4096);
  const chunk = `data: ${
    JSON.stringify({ choices: [{ index: 0, delta: { content: "x".repeat(16 * 1024) } }] })
  }\n\n`;
  const pulled = { bytes: 0 };
  const err = await failure(canned(() => sse(lazy(chunk, pulled, 12_800))).chat(request()));
  assert.ok(err instanceof ReplyTooLargeError, err.message);
  assert.equal(err.infrastructure, true);
  assert.ok(pulled.bytes < caps.answerChars + 64 * 1024, `pulled ${pulled.bytes}`);
  // The same for a non-streamed body.
  const whole = { bytes: 0 };
  const big = await failure(
    canned(() => new Response(lazy("x".repeat(65536), whole))).chat(
      request({ stream: false }),
    ),
  );
  assert.ok(big instanceof ReplyTooLargeError, big.message);
  assert.ok(whole.bytes <= caps.wireBytes + 4 * 65536, `pulled ${whole.bytes}`);
});

Deno.test("a never-ending stream of tokens ends past max_tokens, bounded", async () => {
  const chunk = `data: ${
    JSON.stringify({ choices: [{ index: 0, delta: { content: " more" } }] })
  }\n\n`;
  const pulled = { bytes: 0 };
  const err = await failure(
    canned(() => sse(lazy(chunk, pulled))).chat(request({ max_tokens: 100 })),
  );
  assert.ok(err instanceof ReplyTooLargeError, err.message);
  assert.match(err.message, /max_tokens=100/);
  assert.ok(pulled.bytes < 500 * chunk.length, `pulled ${pulled.bytes}`);
});

Deno.test("a stream of keep-alives only ends at the request timeout", async () => {
  const pulled = { bytes: 0 };
  const body = new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      await new Promise((r) => setTimeout(r, 5));
      pulled.bytes++;
      controller.enqueue(encoder.encode(": keep-alive\n\n"));
    },
  });
  const err = await failure(canned(() => sse(body), { timeoutMs: 80 }).chat(request()));
  assert.ok(err instanceof RequestTimeoutError, err.message);
  assert.equal(err.infrastructure, true);
});

Deno.test("huge timeouts are clamped below the timer's maximum and do not fire at once", async () => {
  assert.ok(clampTimeoutMs(99_999_999 * 1000) < MAX_TIMER_MS);
  assert.ok(clampTimeoutMs(Infinity) < MAX_TIMER_MS);
  assert.equal(clampTimeoutMs(0), 1);
  const result = await canned(() => sse(fixture("llamacpp_tool_call_stream.sse")), {
    timeoutMs: 99_999_999 * 1000,
  }).chat(request());
  assert.equal(result.finishReason, "length");
});

Deno.test("a 401 says the API key was refused and where it is set, never unreachable", async () => {
  const err = await failure(
    canned(() => jsonReply(fixture("llamacpp_401.json"), 401), {
      keyHint: "openai_api_key in factory.yaml or the OPENAI_API_KEY environment variable",
    }).chat(request()),
  );
  assert.ok(err instanceof AuthError);
  assert.equal(err.retryable, false);
  assert.equal(err.infrastructure, true);
  assert.match(
    err.message,
    /check the API key \(openai_api_key in factory\.yaml or the OPENAI_API_KEY/,
  );
  assert.match(err.message, /Invalid API Key/);
  assert.doesNotMatch(err.message, /unreachable|Cannot reach/i);
  const forbidden = await failure(
    canned(() => jsonReply('{"error":"Forbidden"}', 403)).chat(request()),
  );
  assert.ok(forbidden instanceof AuthError);
});

Deno.test("llama.cpp's shared-KV 500 is a transient busy server, before or during a stream", async () => {
  const body = fixture("llamacpp_kv_full_500.json");
  const before = await failure(canned(() => jsonReply(body, 500)).chat(request()));
  const head = fixture("llamacpp_tool_call_stream.sse").split("\n\n").slice(0, 3).join("\n\n");
  const during = await failure(canned(() => sse(`${head}\n\ndata: ${body}\n\n`)).chat(request()));
  for (const err of [before, during]) {
    assert.ok(err instanceof BusyError, err.message);
    assert.equal(err.infrastructure, true);
    assert.equal(err.retryable, true);
    assert.doesNotMatch(err.message, /does not fit/);
  }
});

Deno.test("llama.cpp's tool-argument parse 500 is the request's fault, not an outage", async () => {
  const err = await failure(
    canned(() => jsonReply(fixture("llamacpp_arg_parse_500.json"), 500)).chat(request()),
  );
  assert.ok(err instanceof InvalidRequestError, err.message);
  assert.equal(err.infrastructure, false);
  assert.equal(err.retryable, false);
  assert.ok(err.message.length < 600, "the echoed history is not repeated whole");
});

Deno.test("a real overflow names models.<role>.context_length and quotes the server once", async () => {
  const err = await failure(
    canned(() => jsonReply(fixture("llamacpp_overflow_400.json"), 400)).chat(
      request({ role: "planner" }),
    ),
  );
  assert.ok(err instanceof ContextOverflowError);
  assert.equal(err.retryable, false);
  assert.deepEqual([err.promptTokens, err.contextLength], [2410, 2048]);
  assert.match(err.message, /models\.planner\.context_length/);
  assert.equal(err.message.split("exceeds the available context size").length, 2);
});

Deno.test("busy and loading servers and proxy error pages are outages", async () => {
  const loading = await failure(
    canned(() =>
      jsonReply('{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}', 503)
    )
      .chat(request()),
  );
  assert.ok(loading instanceof BusyError);
  const gateway = await failure(
    canned(() =>
      new Response("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>", {
        status: 502,
        headers: { "content-type": "text/html" },
      })
    ).chat(request()),
  );
  assert.ok(gateway instanceof ServerError);
  assert.equal(gateway.infrastructure, true);
  assert.match(gateway.message, /502 Bad Gateway/);
  assert.doesNotMatch(gateway.message, /<title>/);
});
