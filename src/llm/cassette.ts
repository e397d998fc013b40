/**
 * Record and replay of model exchanges: `recordingClient` appends each
 * exchange as one JSONL line; `replayClient` serves them back in order per
 * role, with no server, and names the first request that does not match.
 *
 * @module
 */
import { ExitCode, UserError } from "../errors.ts";
import type { RoleName } from "../config/schema.ts";
import type { CallOptions, ChatRequest, ChatResult, LlmClient } from "./types.ts";

/** One recorded exchange. */
export type CassetteEntry =
  | {
    kind: "chat";
    role: RoleName;
    model: string;
    request: ChatRequest;
    response: ChatResult;
    seconds: number;
  }
  | {
    kind: "embed";
    role: "embedder";
    model: string;
    request: { texts: string[] };
    response: number[][];
    seconds: number;
  };

/** Wraps `inner` so every successful exchange is appended to `file`. */
export function recordingClient(inner: LlmClient, file: string): LlmClient {
  let queue = Promise.resolve();
  function append(entry: CassetteEntry): Promise<void> {
    queue = queue.then(() =>
      Deno.writeTextFile(file, `${JSON.stringify(entry)}\n`, { append: true })
    );
    return queue;
  }
  return {
    async chat(req: ChatRequest, opts?: CallOptions): Promise<ChatResult> {
      const started = performance.now();
      const response = await inner.chat(req, opts);
      const seconds = (performance.now() - started) / 1000;
      await append({
        kind: "chat",
        role: req.role,
        model: req.model,
        request: req,
        response,
        seconds,
      });
      return response;
    },
    async embed(model: string, texts: string[], signal?: AbortSignal): Promise<number[][]> {
      const started = performance.now();
      const response = await inner.embed(model, texts, signal);
      const seconds = (performance.now() - started) / 1000;
      await append({
        kind: "embed",
        role: "embedder",
        model,
        request: { texts },
        response,
        seconds,
      });
      return response;
    },
  };
}

/** Parses a cassette file's text. */
export function parseCassette(text: string, file = "cassette"): CassetteEntry[] {
  return text.split("\n").filter((line) => line.trim()).map((line, i) => {
    try {
      return JSON.parse(line) as CassetteEntry;
    } catch {
      throw new SyntaxError(`Cannot parse "${file}" line ${i + 1}: not JSON`);
    }
  });
}

function roles(messages: ChatRequest["messages"]): string {
  return messages.map((m) => m.role).join(",");
}

/** Options of {@linkcode replayClient}. */
export interface ReplayOptions {
  /** Also require identical messages (default: model, message roles and tool names only). */
  strict?: boolean;
}

/** Returns the first difference between a recorded and a live request, or `null`. */
export function requestMismatch(
  recorded: ChatRequest,
  live: ChatRequest,
  strict = false,
): string | null {
  if (recorded.model !== live.model) {
    return `expected model "${recorded.model}", got "${live.model}"`;
  }
  if (roles(recorded.messages) !== roles(live.messages)) {
    return `expected messages [${roles(recorded.messages)}], got [${roles(live.messages)}]`;
  }
  const tools = (r: ChatRequest) => (r.tools ?? []).map((t) => t.function.name).join(",");
  if (tools(recorded) !== tools(live)) {
    const shell = (r: ChatRequest) => (r.tools ?? []).some((t) => t.function.name === "shell_exec");
    const fix = shell(recorded) === shell(live)
      ? ""
      : `: the cassette was recorded with tools.shell.enabled: ${
        shell(recorded)
      }; set the same in factory.yaml`;
    return `expected tools [${tools(recorded)}], got [${tools(live)}]${fix}`;
  }
  if (strict && JSON.stringify(recorded.messages) !== JSON.stringify(live.messages)) {
    const i = recorded.messages.findIndex((m, k) =>
      JSON.stringify(m) !== JSON.stringify(live.messages[k])
    );
    return `message #${i + 1} differs`;
  }
  return null;
}

/** Serves a cassette; the file is read on first use. */
export function replayClient(file: string, options: ReplayOptions = {}): LlmClient {
  let entries: CassetteEntry[] | undefined;
  const served = new Map<string, number>();
  async function next(role: string): Promise<[CassetteEntry, number, number]> {
    entries ??= parseCassette(await Deno.readTextFile(file), file);
    const n = (served.get(role) ?? 0) + 1;
    served.set(role, n);
    const ofRole = entries.filter((e) => e.role === role);
    const entry = ofRole[n - 1];
    if (!entry) {
      throw new UserError(
        `Cassette exhausted at ${role} request #${n}: "${file}" holds only ${ofRole.length} ${role} requests`,
        ExitCode.Failure,
      );
    }
    return [entry, n, ofRole.length];
  }
  return {
    async chat(req: ChatRequest): Promise<ChatResult> {
      const [entry, n] = await next(req.role);
      const problem = entry.kind !== "chat"
        ? `expected an embedding request, got a chat`
        : requestMismatch(entry.request, req, options.strict);
      if (problem || entry.kind !== "chat") {
        throw new UserError(
          `Cassette mismatch at ${req.role} request #${n}: ${problem}`,
          ExitCode.Failure,
        );
      }
      return structuredClone(entry.response);
    },
    async embed(model: string, texts: string[]): Promise<number[][]> {
      const [entry, n] = await next("embedder");
      if (
        entry.kind !== "embed" || entry.model !== model ||
        entry.request.texts.length !== texts.length
      ) {
        throw new UserError(
          `Cassette mismatch at embedder request #${n}: expected model "${entry.model}", got "${model}" with ${texts.length} texts`,
          ExitCode.Failure,
        );
      }
      return structuredClone(entry.response);
    },
  };
}
