/**
 * The run log: every event of a `lao run` appended as NDJSON (the same shape
 * as `--json`, see `json_stream.ts`) to `<config_dir>/.lao/runs/<timestamp>.jsonl`.
 * Each line is written synchronously, so a crash loses nothing.
 *
 * @module
 */
import { dirname, join } from "node:path";
import type { EventListener } from "../events/bus.ts";
import { eventLine } from "./json_stream.ts";

/** An open run log. */
export interface RunLog {
  /** Subscribe this to the bus. */
  listener: EventListener;
  /** Closes the file; later events are ignored. Safe to call twice. */
  close(): void;
  /** The file being written. */
  readonly path: string;
}

/** Options of {@linkcode runLogFile}. */
export interface RunLogOptions {
  /** Called once when a write fails; logging then stops (the run goes on). */
  onError?: (message: string) => void;
}

/**
 * Path of a new run log: `<configDir>/.lao/runs/<UTC timestamp>.jsonl`,
 * with a file-name-safe timestamp such as `2025-01-02T03-04-05Z`.
 */
export function runLogPath(configDir: string, now: Date): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, "Z").replaceAll(":", "-");
  return join(configDir, ".lao", "runs", `${stamp}.jsonl`);
}

const encoder = new TextEncoder();

function writeAll(file: Deno.FsFile, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += file.writeSync(bytes.subarray(done));
}

/**
 * Opens (creating folders as needed) `path` for appending and returns a
 * listener writing one NDJSON line per event.
 *
 * Requires read and write permission for `path`.
 *
 * @example
 * ```ts
 * const log = runLogFile(runLogPath(configDir, new Date()));
 * const stop = bus.subscribe(log.listener);
 * // … run …
 * stop();
 * log.close();
 * ```
 */
export function runLogFile(path: string, options: RunLogOptions = {}): RunLog {
  Deno.mkdirSync(dirname(path), { recursive: true });
  let file: Deno.FsFile | undefined = Deno.openSync(path, {
    append: true,
    create: true,
  });
  const close = () => {
    const open = file;
    file = undefined;
    open?.close();
  };
  const listener: EventListener = (event) => {
    if (!file) return;
    try {
      writeAll(file, encoder.encode(eventLine(event) + "\n"));
    } catch (err) {
      close();
      const why = err instanceof Error ? err.message : String(err);
      options.onError?.(`Cannot write run log "${path}": ${why}`);
    }
  };
  return { listener, close, path };
}
