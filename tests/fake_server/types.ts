/**
 * Types of the fake model server used by tests: its catalogue and loaded
 * instances, scripted replies, and injectable faults.
 *
 * @module
 */

/** Which real server the fake imitates. */
export type FakeFlavor = "lmstudio" | "ollama" | "llamacpp";

/** A downloaded model. */
export interface FakeModel {
  /** Model key (LM Studio `key`, Ollama `name`, llama.cpp `id`). */
  key: string;
  /** LLM or embedding model. */
  type: "llm" | "embedding";
  /** Size on disk, also what a load "uses" in the memory hook. */
  sizeBytes: number;
  /** Largest context the model supports. */
  maxContextLength: number;
}

/** A loaded model instance. */
export interface FakeInstance {
  /** Instance id (LM Studio `instance_id`). */
  id: string;
  /** Model key. */
  key: string;
  /** Loaded context length. */
  contextLength: number;
  /** How it got loaded. */
  loadedBy: "api" | "jit";
}

/** A scripted tool call; object arguments are serialised to a JSON string. */
export interface FakeToolCall {
  /** Function name. */
  name: string;
  /** Arguments (JSON string or object). */
  arguments: string | Record<string, unknown>;
}

/** What a scripted model answers. */
export interface Reply {
  /** Answer text. */
  content?: string;
  /** Reasoning text (sent in the configured reasoning field). */
  reasoning?: string;
  /** Tool calls. */
  toolCalls?: FakeToolCall[];
  /** Finish reason (default `tool_calls` with calls, else `stop`). */
  finishReason?: string;
  /** A raw HTTP error reply instead of an answer. */
  error?: { status: number; body: unknown };
}

/** Context given to a `respond` script. */
export interface RespondContext {
  /** Model key the chat was routed to. */
  model: string;
  /** 1-based count of chats this server answered so far (including this one). */
  call: number;
}

/** A chat request body as received. */
export type ChatBody = Record<string, unknown> & {
  model?: string;
  messages?: { role: string; content?: unknown }[];
  stream?: boolean;
};

/** A test's scripted model. */
export type Respond = (request: ChatBody, ctx: RespondContext) => Reply;

/** How a context overflow is reported (one style per real server build). */
export type OverflowStyle =
  | "lmstudio_legacy"
  | "lmstudio_sse"
  | "lmstudio_n_keep"
  | "lmstudio_mlx"
  | "llamacpp"
  | "ollama"
  | "silent_empty";

/** Fault kinds. */
export type FaultKind =
  | "delay"
  | "hang"
  | "http_500"
  | "http_503"
  | "malformed_json"
  | "stream_cut"
  | "reset"
  | "crash"
  | "overflow"
  | "empty_reasoning_only"
  // Transport faults a proxy or a broken server produces (chat only):
  | "garbage_sse"
  | "html_200"
  | "oversize"
  | "endless"
  | "http_401"
  | "kv_500"
  | "arg_parse_500";

/** One injected fault. One-shot unless `sticky`. */
export interface Fault {
  /** What goes wrong. */
  kind: FaultKind;
  /** Path the fault applies to (default `/v1/chat/completions`). */
  path?: string;
  /** For `delay`: milliseconds before the headers. */
  delayMs?: number;
  /** For `stream_cut`, `reset` and `malformed_json` on streams: chunks sent first (default 2). */
  afterChunks?: number;
  /** For `overflow`: the style (default: the flavor's own). */
  style?: OverflowStyle;
  /** Keep applying the fault to every matching request. */
  sticky?: boolean;
  /** Only requests naming this model key (a role's model) match. */
  model?: string;
  /** Let this many matching requests through before the fault applies (default 0). */
  skip?: number;
  /** Apply to this many matching requests, then clear (default 1; ignored when `sticky`). */
  times?: number;
  /** For `oversize`: bytes of answer sent (default 200 MB, generated lazily). */
  sizeBytes?: number;
  /** For `endless`: send only `: keep-alive` comments (so only a timeout ends it). */
  pingOnly?: boolean;
  /** For `endless`: milliseconds between chunks (default 0). */
  intervalMs?: number;
}

/** Memory hook: lets memory-gate tests observe loads and unloads. */
export interface FakeMemoryHook {
  /** Called after a model is loaded. */
  onLoad(sizeBytes: number): void;
  /** Called after a model is unloaded. */
  onUnload(sizeBytes: number): void;
}

/** Mutable server state, visible to tests. */
export interface FakeState {
  /** Which server the fake imitates. */
  flavor: FakeFlavor;
  /** Downloaded models. */
  models: FakeModel[];
  /** Loaded instances. */
  instances: FakeInstance[];
  /** Just-in-time loading on chat requests. */
  jit: boolean;
  /** Only one JIT-loaded model kept at a time. */
  autoEvict: boolean;
  /** Guardrail refusal: `api` refuses `/api/v1/models/load` only, `all` refuses JIT too. */
  guardrail: false | "api" | "all";
  /** Where reasoning goes: `reasoning_content`, `reasoning` (gpt-oss), or `inline` `<think>`. */
  reasoningField: "reasoning_content" | "reasoning" | "inline";
  /** LM Studio API generation: `v1` (0.4+) or `v0` only (0.3.x; `/api/v1` answers 404). */
  lmstudioApi: "v1" | "v0";
  /** llama.cpp mode: `router` (no `-m`, `/models/load`) or `single` (`llama-server -m`). */
  llamacppMode?: "router" | "single";
  /** Required bearer key (`llama-server --api-key`); only `/health` stays public. */
  apiKey?: string;
  /** Loads performed (API and JIT). */
  loads: number;
  /** Unloads performed. */
  unloads: number;
}

/** Options of `start()`. */
export interface FakeServerOptions {
  /** Server flavor (default `lmstudio`). */
  flavor?: FakeFlavor;
  /** Catalogue (default {@linkcode defaultFakeModels}). */
  models?: FakeModel[];
  /** Keys loaded at start, with their max context length. */
  loaded?: string[];
  /** Scripted model. */
  respond?: Respond;
  /** Queues of replies per model key, served before `respond`. */
  queues?: Record<string, Reply[]>;
  /** JIT loading (default true). */
  jit?: boolean;
  /** Guardrail mode (default false). */
  guardrail?: false | "api" | "all";
  /** Reasoning field (default `reasoning_content`). */
  reasoningField?: FakeState["reasoningField"];
  /** LM Studio API generation (default `v1`). */
  lmstudioApi?: "v1" | "v0";
  /** llama.cpp mode (default `router`); `single` serves `loaded[0]` (or the first model). */
  llamacppMode?: "router" | "single";
  /** Require this bearer key (llama.cpp `--api-key`). */
  apiKey?: string;
  /** Context of the single served model (llama.cpp `-c`, default 8192). */
  contextLength?: number;
  /** Slots sharing the KV cache (llama.cpp `-np`, default 4). */
  slots?: number;
  /** Port to listen on (default: a free one); lets a test restart a server in place. */
  port?: number;
  /** Memory hook. */
  memory?: FakeMemoryHook;
  /** Milliseconds a load takes (default 0). */
  loadLatencyMs?: number;
  /**
   * Chat slots per loaded model with the batching curve of `slots.ts` (issue
   * 16); absent: every request answers at once, as before. `/props`
   * `total_slots` reports these slots unless `slots` is set.
   */
  generation?: {
    slots: number;
    tokensPerSecond?: number;
    completionTokens?: number;
    sleep?: (ms: number) => Promise<void>;
  };
}

/** A request the fake received. */
export interface RecordedRequest {
  /** HTTP method. */
  method: string;
  /** URL path. */
  path: string;
  /** Parsed JSON body (or `undefined`). */
  body: unknown;
  /** Authorization header, if any. */
  authorization: string | null;
}

/** The default catalogue: the keys of LAO's default roles. */
export function defaultFakeModels(): FakeModel[] {
  return [
    {
      key: "qwen_qwen3.5-35b-a3b",
      type: "llm",
      sizeBytes: 21_513_639_040,
      maxContextLength: 262144,
    },
    {
      key: "qwen/qwen3-coder-30b",
      type: "llm",
      sizeBytes: 17_190_972_664,
      maxContextLength: 262144,
    },
    {
      key: "deepseek-r1-distill-qwen-32b",
      type: "llm",
      sizeBytes: 18_500_000_000,
      maxContextLength: 131072,
    },
    {
      key: "text-embedding-nomic-embed-text-v1.5",
      type: "embedding",
      sizeBytes: 84_106_624,
      maxContextLength: 2048,
    },
  ];
}
