/**
 * The `lao run --json` event stream: one JSON object per line (NDJSON).
 *
 * Stable shape, version 1: every line is an object whose first three keys are
 * `"v"` (always `1`), `"at"` (ISO-8601 UTC time the event was emitted) and
 * `"type"` (one of the {@linkcode LaoEvent} types), followed by the event's
 * own fields in camelCase exactly as typed in `src/events/types.ts`. Fields
 * that are absent are omitted (never `null`, except `from: null` on a first
 * transition). New fields may be added; existing ones keep their meaning
 * while `v` stays `1`.
 *
 * ```json
 * {"v":1,"at":"2025-01-01T12:03:04.000Z","type":"model.load","role":"coder","model":"qwen/qwen3-coder-30b","seconds":2.1,"swap":true}
 * ```
 *
 * @module
 */
import type { EventListener } from "../events/bus.ts";
import type { LaoEvent } from "../events/types.ts";

/** Version of the NDJSON event shape. */
export const EVENT_STREAM_VERSION = 1;

/** Serialises one stamped event as a single NDJSON line (no trailing newline). */
export function eventLine(event: LaoEvent & { at: string }): string {
  const { at, type, ...fields } = event;
  return JSON.stringify({ v: EVENT_STREAM_VERSION, at, type, ...fields });
}

/**
 * A bus listener writing every event as one NDJSON line through `write`
 * (which should add the newline, as `Output.out` does).
 *
 * @example
 * ```ts
 * bus.subscribe(jsonStream(output.out));
 * ```
 */
export function jsonStream(write: (line: string) => void): EventListener {
  return (event) => write(eventLine(event));
}
