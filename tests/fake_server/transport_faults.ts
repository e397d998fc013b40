/**
 * Transport faults of the fake server's chat endpoint, as real servers and
 * proxies send them: garbage SSE, an HTML page with status 200, a reply of
 * hundreds of megabytes, a stream that never ends, a 401, llama.cpp's
 * shared-KV 500 and its tool-argument parse 500 (bodies as captured in
 * `research/llama-server-wire/`). Big and endless bodies are generated
 * lazily and stop when the client disconnects.
 *
 * @module
 */
import { json } from "./state_ops.ts";
import type { Fault } from "./types.ts";

const encoder = new TextEncoder();

/** llama-server `--api-key`'s 401 body. */
export const AUTH_401_BODY = {
  error: { message: "Invalid API Key", type: "authentication_error", code: 401 },
};

/** llama-server's 500 when other slots filled the shared KV cache. */
export const KV_500_BODY = {
  error: { code: 500, message: "Context size has been exceeded.", type: "server_error" },
};

/** llama-server's 500 when a history's tool-call arguments are not JSON (message shortened). */
export const ARG_PARSE_500_BODY = {
  error: {
    code: 500,
    message:
      "Failed to parse tool call arguments as JSON: [json.exception.parse_error.101] parse error at line 9, column 14921: syntax error while parsing value - invalid string: missing closing quote; last read: '\",<tool_call><tool_call>'",
  },
};

/** A proxy's login / error page, served with status 200. */
export const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Proxy Authentication Required</title></head>\n<body><h1>Access denied</h1><p>Please log in to continue browsing.</p></body></html>\n';

/** Bytes a proxy or a broken server might put in the middle of a stream. */
export const GARBAGE = "\u0000\u00ff\u00fe<html>garbage\r\n}}}{{{not sse at all\n\n";

/** Does the fault kind produce its whole reply here (no scripted answer consumed)? */
export function isStandaloneFault(fault: Fault | undefined): boolean {
  return !!fault &&
    ["html_200", "oversize", "endless", "http_401", "kv_500", "arg_parse_500"].includes(fault.kind);
}

function lazyBody(
  next: (n: number) => Promise<string | null> | string | null,
): ReadableStream<Uint8Array> {
  let n = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const piece = await next(n++);
      if (piece === null) controller.close();
      else controller.enqueue(encoder.encode(piece));
    },
    // The client went away: stop generating.
    cancel() {},
  });
}

function sseChunk(model: string, delta: Record<string, unknown>): string {
  return `data: ${
    JSON.stringify({
      id: "chatcmpl-fault",
      object: "chat.completion.chunk",
      created: 1796116532,
      model,
      choices: [{ index: 0, delta, finish_reason: null }],
    })
  }\n\n`;
}

function oversize(fault: Fault, model: string, stream: boolean): Response {
  const total = fault.sizeBytes ?? 200 * 1024 * 1024;
  const piece = "x".repeat(16 * 1024);
  const pieces = Math.ceil(total / piece.length);
  if (stream) {
    return new Response(
      lazyBody((n) =>
        n === 0
          ? sseChunk(model, { role: "assistant", content: "" })
          : n <= pieces
          ? sseChunk(model, { content: piece })
          : n === pieces + 1
          ? "data: [DONE]\n\n"
          : null
      ),
      { headers: { "content-type": "text/event-stream" } },
    );
  }
  const head = `{"id":"chatcmpl-fault","object":"chat.completion","model":${
    JSON.stringify(model)
  },"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"`;
  return new Response(
    lazyBody((n) => n === 0 ? head : n <= pieces ? piece : n === pieces + 1 ? '"}}]}' : null),
    { headers: { "content-type": "application/json" } },
  );
}

function endless(fault: Fault, model: string): Response {
  const wait = fault.intervalMs ?? 0;
  return new Response(
    lazyBody(async (n) => {
      if (wait > 0 && n > 0) await new Promise((r) => setTimeout(r, wait));
      if (fault.pingOnly) return ": keep-alive\n\n";
      return n === 0
        ? sseChunk(model, { role: "assistant", content: "" })
        : sseChunk(model, { content: " more" });
    }),
    { headers: { "content-type": "text/event-stream" } },
  );
}

/** The response of a standalone transport fault (see {@linkcode isStandaloneFault}). */
export function faultResponse(fault: Fault, model: string, stream: boolean): Response {
  switch (fault.kind) {
    case "html_200":
      return new Response(HTML_PAGE, {
        status: 200,
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    case "oversize":
      return oversize(fault, model, stream);
    case "endless":
      return endless(fault, model);
    case "http_401":
      return json(401, AUTH_401_BODY);
    case "kv_500":
      return json(500, KV_500_BODY);
    case "arg_parse_500":
      return json(500, ARG_PARSE_500_BODY);
    default:
      throw new Error(`not a standalone fault: ${fault.kind}`);
  }
}
