import assert from "node:assert/strict";
import { InterruptedError } from "../errors.ts";
import { type OverflowStyle, start } from "../../tests/fake_server/server.ts";
import {
  BadRequestError,
  BusyError,
  ContextOverflowError,
  EmptyAnswerError,
  LlmError,
  MalformedResponseError,
  ModelCrashedError,
  ModelNotFoundError,
  ModelNotLoadedError,
  RequestTimeoutError,
  ServerError,
  ServerUnreachableError,
} from "./errors.ts";
import { createOpenAiClient } from "./openai_client.ts";
import { retryingClient } from "./retry.ts";
import type { ChatRequest } from "./types.ts";

const CODER = "qwen/qwen3-coder-30b";

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    role: "coder",
    model: CODER,
    messages: [{ role: "system", content: "You code." }, { role: "user", content: "Say hi" }],
    max_tokens: 100,
    ...overrides,
  };
}

function client(url: string, timeoutMs = 5000) {
  return createOpenAiClient({ baseUrl: url, apiKey: "lm-studio", timeoutMs });
}

Deno.test("chat returns the answer with reasoning_content separated", async () => {
  await using fake = await start({
    queues: { [CODER]: [{ content: "Hello!", reasoning: "The user wants a greeting." }] },
  });
  const result = await client(fake.url).chat(request());
  assert.equal(result.content, "Hello!");
  assert.equal(result.reasoning, "The user wants a greeting.");
  assert.equal(result.finishReason, "stop");
  assert.ok(result.usage.promptTokens > 0);
  assert.equal(fake.requests.at(-1)?.authorization, "Bearer lm-studio");
});

Deno.test("streamed tool calls are assembled from argument fragments", async () => {
  await using fake = await start({
    queues: {
      [CODER]: [{
        content: "",
        reasoning: "I should read the file.",
        toolCalls: [
          { name: "read_file", arguments: { path: "src/main.ts", start_line: 1 } },
          { name: "list_dir", arguments: '{"path":"."}' },
        ],
      }],
    },
  });
  const result = await client(fake.url).chat(request({
    stream: true,
    tools: [{ type: "function", function: { name: "read_file", parameters: { type: "object" } } }],
  }));
  assert.equal(result.finishReason, "tool_calls");
  assert.deepEqual(result.toolCalls.map((c) => [c.name, JSON.parse(c.arguments)]), [
    ["read_file", { path: "src/main.ts", start_line: 1 }],
    ["list_dir", { path: "." }],
  ]);
  assert.match(result.toolCalls[0]?.id ?? "", /^\d+$/);
  assert.equal(result.reasoning, "I should read the file.");
  assert.ok(result.usage.completionTokens > 0, "usage chunk was read");
  const sent = fake.requests.at(-1)?.body as Record<string, unknown>;
  assert.equal(sent.tool_choice, "auto");
});

Deno.test("inline <think> reasoning is split from the answer", async () => {
  for (const stream of [false, true]) {
    await using fake = await start({
      reasoningField: "inline",
      queues: { [CODER]: [{ content: "42", reasoning: "Six times seven." }] },
    });
    const result = await client(fake.url).chat(request({ stream }));
    assert.equal(result.content, "42");
    assert.equal(result.reasoning, "Six times seven.");
  }
});

Deno.test("gpt-oss style `reasoning` field is read as reasoning", async () => {
  await using fake = await start({
    reasoningField: "reasoning",
    queues: { [CODER]: [{ content: "ok", reasoning: "short" }, { content: "ok", reasoning: "x" }] },
  });
  assert.equal((await client(fake.url).chat(request())).reasoning, "short");
  assert.equal((await client(fake.url).chat(request({ stream: true }))).reasoning, "x");
});

const OVERFLOWS: [OverflowStyle, boolean][] = [
  ["lmstudio_legacy", false],
  ["lmstudio_sse", true],
  ["lmstudio_n_keep", false],
  ["lmstudio_mlx", false],
  ["llamacpp", false],
  ["ollama", true],
];

Deno.test("every server's context-overflow style becomes ContextOverflowError", async () => {
  await using fake = await start({ respond: () => ({ content: "unused" }) });
  for (const [style, stream] of OVERFLOWS) {
    fake.setFaults({ kind: "overflow", style });
    const err = await client(fake.url).chat(request({ stream })).catch((e) => e);
    assert.ok(err instanceof ContextOverflowError, `${style}: ${err}`);
    assert.equal(err.infrastructure, false);
    assert.equal(err.retryable, false);
  }
});

Deno.test("an automatic overflow reports the prompt and context sizes", async () => {
  await using fake = await start({ flavor: "llamacpp", respond: () => ({ content: "x" }) });
  fake.state.instances.push({ id: CODER, key: CODER, contextLength: 10, loadedBy: "api" });
  const err = await client(fake.url).chat(
    request({ messages: [{ role: "user", content: "a".repeat(400) }] }),
  )
    .catch((e) => e);
  assert.ok(err instanceof ContextOverflowError);
  assert.equal(err.contextLength, 10);
  assert.ok((err.promptTokens ?? 0) > 100);
});

Deno.test("reasoning without an answer is an EmptyAnswerError", async () => {
  await using fake = await start({ respond: () => ({ content: "fine" }) });
  fake.setFaults({ kind: "empty_reasoning_only" });
  const err = await client(fake.url).chat(request()).catch((e) => e);
  assert.ok(err instanceof EmptyAnswerError);
  assert.match(err.reasoning, /think/);
  fake.setFaults({ kind: "overflow", style: "silent_empty" });
  const silent = await client(fake.url).chat(request({ stream: true })).catch((e) => e);
  assert.ok(silent instanceof EmptyAnswerError);
  assert.match(silent.message, /context length/);
});

Deno.test("server faults map to typed errors", async () => {
  await using fake = await start({
    loaded: [CODER],
    respond: () => ({ content: "a long enough answer" }),
  });
  const c = client(fake.url);
  const cases: [Parameters<typeof fake.setFaults>[0], boolean, new (...a: never[]) => LlmError][] =
    [
      [{ kind: "http_500" }, false, ServerError],
      [{ kind: "http_503" }, false, BusyError],
      [{ kind: "malformed_json" }, false, MalformedResponseError],
      [{ kind: "malformed_json", afterChunks: 2 }, true, MalformedResponseError],
      [{ kind: "stream_cut", afterChunks: 2 }, true, MalformedResponseError],
      [{ kind: "reset" }, false, ServerUnreachableError],
      [{ kind: "reset", afterChunks: 2 }, true, ServerUnreachableError],
      [{ kind: "crash" }, false, ModelCrashedError],
    ];
  for (const [fault, stream, type] of cases) {
    fake.setFaults(fault);
    const err = await c.chat(request({ stream })).catch((e) => e);
    assert.ok(err instanceof type, `${fault.kind} (stream ${stream}): got ${err?.name} ${err}`);
  }
  assert.equal(fake.state.instances.length, 0, "a crash unloads the model");
});

Deno.test("a hung server times out, a short delay does not", async () => {
  await using fake = await start({ respond: () => ({ content: "late" }) });
  fake.setFaults({ kind: "hang" });
  const err = await client(fake.url, 150).chat(request()).catch((e) => e);
  assert.ok(err instanceof RequestTimeoutError, String(err));
  assert.equal(err.infrastructure, true);
  fake.setFaults({ kind: "delay", delayMs: 20 });
  assert.equal((await client(fake.url, 5000).chat(request())).content, "late");
});

Deno.test("an abort signal interrupts a hung call", async () => {
  await using fake = await start({ respond: () => ({ content: "never" }) });
  fake.setFaults({ kind: "hang" });
  const controller = new AbortController();
  const pending = client(fake.url).chat(request(), { signal: controller.signal });
  // Abort once the server holds the request (not after a delay): the call is in flight.
  for (let poll = 0; !fake.requests.some((r) => r.path.endsWith("/chat/completions")); poll++) {
    assert.ok(poll < 10_000, "the request never reached the server");
    await new Promise((r) => setTimeout(r, 1));
  }
  controller.abort();
  await assert.rejects(pending, InterruptedError);
});

Deno.test("routing failures: unknown model, JIT off, unscripted chat", async () => {
  await using fake = await start({ jit: false });
  const c = client(fake.url);
  assert.ok(
    await c.chat(request({ model: "o4-mini" })).catch((e) => e) instanceof ModelNotFoundError,
  );
  assert.ok(await c.chat(request()).catch((e) => e) instanceof ModelNotLoadedError);
  fake.state.jit = true;
  const err = await c.chat(request()).catch((e) => e);
  assert.ok(err instanceof BadRequestError);
  assert.match(err.message, /no scripted reply for model "qwen\/qwen3-coder-30b"/);
});

Deno.test("a stopped server is ServerUnreachableError", async () => {
  const fake = await start();
  const url = fake.url;
  await fake.close();
  const err = await client(url).chat(request()).catch((e) => e);
  assert.ok(err instanceof ServerUnreachableError, String(err));
  assert.equal(err.infrastructure, true);
});

Deno.test("embed returns one deterministic vector per text", async () => {
  await using fake = await start();
  const c = client(fake.url);
  const model = "text-embedding-nomic-embed-text-v1.5";
  const [a, b, a2] = await c.embed(model, ["read the file", "write tests", "read the file"]);
  assert.equal(a?.length, 64);
  assert.deepEqual(a, a2);
  assert.notDeepEqual(a, b);
});

Deno.test("the retry wrapper recovers from one 500 without real sleeping", async () => {
  await using fake = await start({ respond: () => ({ content: "second time lucky" }) });
  fake.setFaults({ kind: "http_500" });
  const delays: number[] = [];
  const c = retryingClient(client(fake.url), {
    attempts: 3,
    baseDelayMs: 1000,
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
  });
  assert.equal((await c.chat(request())).content, "second time lucky");
  assert.equal(delays.length, 1);
});

Deno.test("a streamed answer reports its growth through onProgress, also through the retry wrapper", async () => {
  const long = "word ".repeat(200);
  await using fake = await start({ queues: { [CODER]: [{ content: long }] } });
  const seen: number[] = [];
  const retrying = retryingClient(client(fake.url), { attempts: 2, baseDelayMs: 1 });
  const result = await retrying.chat(request({ stream: true }), {
    onProgress: ({ chars }) => seen.push(chars),
  });
  assert.equal(result.content, long);
  assert.ok(seen.length > 1, `progress calls: ${seen.length}`);
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
  assert.equal(seen.at(-1), long.length);
});
