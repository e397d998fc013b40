/**
 * LM Studio backend: `/api/v1/models` (+ `load`/`unload`, LM Studio 0.4+),
 * falling back to `/api/v0/models` for listing on 0.3.x, and a 1-token chat
 * for JIT loading.
 *
 * @module
 */
import { array, num, record, requestJson, type ServerEndpoint } from "../http.ts";
import type { ModelBackend, ModelInfo } from "../types.ts";
import { LlmError, type LlmErrorKind } from "../../llm/errors.ts";

const JIT_FATAL = new Set<LlmErrorKind>([
  "guardrail_refusal",
  "server_unreachable",
  "timeout",
  "model_not_found",
  "model_crashed",
  "server_error",
]);

function fromV1(raw: unknown): ModelInfo {
  const m = record(raw);
  const size = num(m.size_bytes);
  const max = num(m.max_context_length);
  return {
    key: String(m.key ?? ""),
    type: m.type === "embedding" ? "embedding" : "llm",
    ...(size !== undefined ? { sizeBytes: size } : {}),
    ...(max !== undefined ? { maxContextLength: max } : {}),
    instances: array(m.loaded_instances).map((rawInstance) => {
      const instance = record(rawInstance);
      const ctx = num(record(instance.config).context_length);
      return {
        id: String(instance.id ?? instance.instance_id ?? m.key),
        ...(ctx !== undefined ? { contextLength: ctx } : {}),
      };
    }),
  };
}

function fromV0(rows: unknown[]): ModelInfo[] {
  const byKey = new Map<string, ModelInfo>();
  for (const raw of rows) {
    const m = record(raw);
    const key = String(m.id ?? "");
    const max = num(m.max_context_length);
    const info = byKey.get(key) ?? {
      key,
      type: m.type === "embeddings" ? "embedding" : "llm",
      ...(max !== undefined ? { maxContextLength: max } : {}),
      instances: [],
    };
    // LM Studio may list the same id twice; the "loaded" row wins.
    if (m.state === "loaded" && info.instances.length === 0) {
      const ctx = num(m.loaded_context_length);
      info.instances.push({ id: key, ...(ctx !== undefined ? { contextLength: ctx } : {}) });
    }
    byKey.set(key, info);
  }
  return [...byKey.values()];
}

/** One LM Studio server, and which REST API it was found to speak. */
interface LmStudio {
  endpoint: ServerEndpoint;
  loadTimeoutMs: number;
  api?: "v1" | "v0";
}

/** Lists with REST v1, falling back to v0 (and remembering it) when v1 is missing. */
async function listV1OrV0(s: LmStudio): Promise<ModelInfo[]> {
  if (s.api !== "v0") {
    try {
      const body = record(await requestJson(s.endpoint, "GET", "/api/v1/models"));
      s.api = "v1";
      return array(body.models).map(fromV1);
    } catch (err) {
      if (!(err instanceof LlmError) || (err.status !== 404 && err.kind !== "model_not_found")) {
        throw err;
      }
      s.api = "v0";
    }
  }
  const body = record(await requestJson(s.endpoint, "GET", "/api/v0/models"));
  return fromV0(array(body.data));
}

/**
 * Loads by a 1-token chat. Only failures that say the load itself failed
 * are thrown; any other reply (e.g. a 400 about the chat) leaves the
 * verdict to the caller's readiness poll.
 */
async function jitLoad(s: LmStudio, key: string): Promise<void> {
  try {
    await requestJson(s.endpoint, "POST", "/v1/chat/completions", {
      body: {
        model: key,
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 1,
        temperature: 0,
      },
      timeoutMs: s.loadTimeoutMs,
      model: key,
    });
  } catch (err) {
    if (err instanceof LlmError && JIT_FATAL.has(err.kind)) throw err;
  }
}

/** Loads with REST v1's load endpoint, or by JIT on a 0.3.x server. */
async function load(s: LmStudio, key: string, contextLength: number): Promise<void> {
  if (s.api === undefined) await listV1OrV0(s);
  if (s.api === "v0") return await jitLoad(s, key);
  await requestJson(s.endpoint, "POST", "/api/v1/models/load", {
    body: { model: key, context_length: contextLength },
    timeoutMs: s.loadTimeoutMs,
    model: key,
  });
}

async function unload(s: LmStudio, id: string): Promise<void> {
  if (s.api === "v0") return; // REST v0 has no unload; JIT auto-evict replaces models.
  await requestJson(s.endpoint, "POST", "/api/v1/models/unload", {
    body: { instance_id: id },
    timeoutMs: 30_000,
    model: id,
  });
}

/** Creates the LM Studio backend. */
export function lmstudioBackend(endpoint: ServerEndpoint, loadTimeoutMs: number): ModelBackend {
  const s: LmStudio = { endpoint, loadTimeoutMs };
  return {
    kind: "lmstudio",
    canLoad: true,
    setsContext: true,
    async version() {
      await listV1OrV0(s);
      return s.api === "v1" ? "0.4+ (REST v1)" : "0.3.x (REST v0)";
    },
    list: () => listV1OrV0(s),
    load: (key, contextLength) => load(s, key, contextLength),
    unload: (id) => unload(s, id),
    jitLoad: (key) => jitLoad(s, key),
  };
}
