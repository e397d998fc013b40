/**
 * A fake LM Studio (or Ollama, or llama.cpp router) on `127.0.0.1:<random
 * port>` for tests: real HTTP, scripted models, and fault injection.
 *
 * ```ts
 * await using fake = await start({ queues: { "m": [{ content: "hi" }] } });
 * ```
 *
 * @module
 */
import { type ChatContext, handleChat } from "./chat.ts";
import { fakeEmbedding } from "./embeddings.ts";
import { pickFault } from "./faults.ts";
import { llamacppRoute } from "./llamacpp_routes.ts";
import { lmstudioRoute } from "./lmstudio_routes.ts";
import {
  authorized,
  INVALID_API_KEY_BODY,
  llamacppSingleRoute,
  type SingleModelInfo,
} from "./llamacpp_single_routes.ts";
import { ollamaRoute } from "./ollama_routes.ts";
import { SlotGate } from "./slots.ts";
import { CRASH_TEXT, findInstance, findModel, json, loadModel } from "./state_ops.ts";
import {
  defaultFakeModels,
  type FakeServerOptions,
  type FakeState,
  type Fault,
  type RecordedRequest,
  type Reply,
} from "./types.ts";

export * from "./types.ts";

/** A running fake server. */
export interface FakeServer extends AsyncDisposable {
  /** Server root, e.g. `http://127.0.0.1:41234` (no `/v1`). */
  url: string;
  /** Live state (models, instances, knobs); tests may change it. */
  state: FakeState;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Replaces the pending faults. */
  setFaults(...faults: Fault[]): void;
  /** Appends replies to a model's queue. */
  enqueue(key: string, ...replies: Reply[]): void;
  /** Chat slot gates per model key (with `generation`), for tests that look at concurrency. */
  gates: Map<string, SlotGate>;
  /** Stops the server (releases hung requests first). */
  close(): Promise<void>;
}

function openAiModels(state: FakeState) {
  const listed = state.flavor === "lmstudio" && !state.jit
    ? state.models.filter((m) => findInstance(state, m.key))
    : state.models;
  return {
    object: "list",
    data: listed.map((m) => ({ id: m.key, object: "model", owned_by: "organization_owner" })),
  };
}

function embeddings(ctx: ChatContext, body: Record<string, unknown>): Response {
  const key = String(body.model ?? "");
  const model = findModel(ctx.state, key);
  if (!model || model.type !== "embedding") {
    return json(400, { error: `Model "${key}" is not an embedding model` });
  }
  if (!findInstance(ctx.state, key)) loadModel(ctx.state, model, 2048, "api", ctx.memory);
  const input = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? "")];
  return json(200, {
    object: "list",
    data: input.map((text, index) => ({
      object: "embedding",
      embedding: fakeEmbedding(text),
      index,
    })),
    model: `${key}@q4_k_m`,
    usage: { prompt_tokens: 0, total_tokens: 0 },
  });
}

function resetResponse(): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.error(new Error("fake connection reset"));
    },
  });
  return new Response(body, { headers: { "content-type": "application/json" } });
}

/** Starts a fake server. Close it with `close()` or `await using`. */
export function start(options: FakeServerOptions = {}): Promise<FakeServer> {
  const models = options.models ?? defaultFakeModels();
  const state: FakeState = {
    flavor: options.flavor ?? "lmstudio",
    models,
    instances: [],
    jit: options.jit ?? true,
    autoEvict: true,
    guardrail: options.guardrail ?? false,
    reasoningField: options.reasoningField ?? "reasoning_content",
    lmstudioApi: options.lmstudioApi ?? "v1",
    loads: 0,
    ...(options.llamacppMode ? { llamacppMode: options.llamacppMode } : {}),
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    unloads: 0,
  };
  const ctx: ChatContext = {
    state,
    respond: options.respond,
    queues: new Map(Object.entries(options.queues ?? {}).map(([k, v]) => [k, [...v]])),
    memory: options.memory,
    calls: 0,
  };
  for (const key of options.loaded ?? []) {
    const model = findModel(state, key);
    if (!model) throw new Error(`Cannot preload "${key}": not in the fake catalogue`);
    loadModel(state, model, model.type === "llm" ? 32768 : 2048, "api");
  }
  state.loads = 0;
  const single = state.flavor === "llamacpp" && state.llamacppMode === "single";
  if (single && state.instances.length === 0) {
    const served = models.find((m) => m.type === "llm");
    if (served) loadModel(state, served, options.contextLength ?? 8192, "api");
  }
  if (single && state.instances[0]) {
    state.instances[0].contextLength = options.contextLength ?? 8192;
  }
  const singleInfo: SingleModelInfo = {
    slots: options.slots ?? options.generation?.slots ?? 4,
    lastPrompt: "",
  };
  const gates = new Map<string, SlotGate>();
  /** A chat answered in one of its model's slots (with `generation`), else at once. */
  const chat = (
    chatBody: Record<string, unknown>,
    fault: Fault | undefined,
  ): Response | Promise<Response> => {
    const g = options.generation;
    if (!g) return handleChat(ctx, chatBody, fault);
    const key = String(chatBody.model ?? "");
    let gate = gates.get(key);
    if (!gate) {
      gate = new SlotGate({
        slots: g.slots,
        tokensPerSecond: g.tokensPerSecond ?? 0,
        completionTokens: g.completionTokens ?? 60,
        ...(g.sleep ? { sleep: g.sleep } : {}),
      });
      gates.set(key, gate);
    }
    return gate.run(() => Promise.resolve(handleChat(ctx, chatBody, fault)));
  };
  const requests: RecordedRequest[] = [];
  let faults: Fault[] = [];
  const hung = new Set<() => void>();

  function takeFault(path: string, model: unknown): Fault | undefined {
    const picked = pickFault(faults, path, typeof model === "string" ? model : undefined);
    faults = picked.rest;
    return picked.fault;
  }

  async function handle(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    const raw = request.method === "POST" ? await request.text() : "";
    let body: Record<string, unknown> = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      return json(400, { error: "Invalid JSON body" });
    }
    requests.push({
      method: request.method,
      path,
      body: raw ? body : undefined,
      authorization: request.headers.get("authorization"),
    });
    if (path === "/__fake/faults" && request.method === "POST") {
      faults = Array.isArray(body.faults) ? body.faults as Fault[] : [];
      return json(200, { ok: true });
    }
    if (!authorized(state, path, request.headers.get("authorization"))) {
      return json(401, INVALID_API_KEY_BODY);
    }
    const fault = takeFault(path, body.model);
    if (fault?.kind === "delay") await new Promise((r) => setTimeout(r, fault.delayMs ?? 100));
    if (fault?.kind === "hang") {
      await new Promise<void>((resolve) => {
        const release = () => {
          hung.delete(release);
          resolve();
        };
        hung.add(release);
      });
      return json(503, { error: "fake server released a hung request" });
    }
    if (fault?.kind === "http_500") return json(500, { error: "Unexpected internal error" });
    if (fault?.kind === "http_503") {
      return new Response("server busy, please try again.  maximum pending requests exceeded", {
        status: 503,
      });
    }
    if (fault?.kind === "crash") {
      const instance = findInstance(state, String(body.model ?? ""));
      if (instance) state.instances.splice(state.instances.indexOf(instance), 1);
      return json(500, { error: CRASH_TEXT });
    }
    if (fault?.kind === "reset" && body.stream !== true) return resetResponse();
    if (fault?.kind === "malformed_json" && path !== "/v1/chat/completions") {
      return new Response('{"models": [{"key": "trunc', {
        headers: { "content-type": "application/json" },
      });
    }
    const { method } = request;
    // A single-model llama-server answers /v1/models with its own markers, so it goes first.
    if (state.flavor === "llamacpp" && state.llamacppMode === "single") {
      const routed = await llamacppSingleRoute(
        ctx,
        singleInfo,
        { method, path, body },
        (chatBody) => chat(chatBody, fault),
      );
      if (routed) return routed;
    }
    if (method === "GET" && path === "/v1/models") return json(200, openAiModels(state));
    if (method === "POST" && path === "/v1/chat/completions") return chat(body, fault);
    if (method === "POST" && path === "/v1/embeddings") return embeddings(ctx, body);
    const routed = state.flavor === "lmstudio"
      ? await lmstudioRoute(ctx, method, path, body, options.loadLatencyMs ?? 0)
      : state.flavor === "ollama"
      ? ollamaRoute(ctx, method, path, body)
      : llamacppRoute(ctx, method, path, body);
    return routed ?? json(404, { error: "Unexpected endpoint or method." });
  }

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: options.port ?? 0, onListen: () => {} },
    handle,
  );
  // Closing twice (a test that stops the server mid-run, then its disposal) is one shutdown.
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      for (const release of [...hung]) release();
      await server.shutdown();
    })();
  return Promise.resolve({
    url: `http://127.0.0.1:${server.addr.port}`,
    state,
    requests,
    gates,
    setFaults(...next: Fault[]) {
      faults = next;
    },
    enqueue(key: string, ...replies: Reply[]) {
      ctx.queues.set(key, [...(ctx.queues.get(key) ?? []), ...replies]);
    },
    close,
    [Symbol.asyncDispose]: close,
  });
}
