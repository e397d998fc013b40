/**
 * The plain log (`--plain`, or stdout not a TTY): one timestamped line per
 * event, e.g. `12:03:04 task #3 coding → coded (attempt 1/3) greeting/__init__.py`.
 * Warnings and errors go to stderr.
 *
 * @module
 */
import type { EventListener } from "../events/bus.ts";
import type { LaoEvent, LogLevel } from "../events/types.ts";
import { paint } from "./ansi.ts";
import { clock, type Described, describeEvent, type PlanName } from "./describe_event.ts";
import type { Output } from "./output.ts";

/** Options of {@linkcode plainLog}. */
export interface PlainLogOptions {
  /** Colour the lines (timestamps dim, warnings yellow, errors red). */
  color: boolean;
  /** Also show debug-level lines (debug logs, successful LLM calls). */
  verbose: boolean;
}

const PREFIX: Record<LogLevel, string> = {
  debug: "debug: ",
  info: "",
  warn: "warning: ",
  error: "error: ",
};

/**
 * Formats one event as a plain log line, or `undefined` when it is hidden
 * (debug level without verbose).
 */
export function plainLine(
  event: LaoEvent & { at: string },
  options: PlainLogOptions,
  planName?: PlanName,
): { line: string; level: LogLevel } | undefined {
  const described = describeEvent(event, planName);
  if (described.level === "debug" && !options.verbose) return undefined;
  const time = paint(options.color, "dim", clock(event.at));
  return { line: `${time} ${colourBody(described, options.color)}`, level: described.level };
}

function colourBody(d: Described, color: boolean): string {
  const text = PREFIX[d.level] + d.text;
  if (d.level === "error") return paint(color, "red", text);
  if (d.level === "warn") return paint(color, "yellow", text);
  if (d.level === "debug") return paint(color, "dim", text);
  return d.good ? paint(color, "green", text) : text;
}

/**
 * A bus listener printing each event as one line on `output`: info and
 * debug lines on stdout, warnings and errors on stderr.
 *
 * @example
 * ```ts
 * bus.subscribe(plainLog(output, { color: output.color, verbose: false }));
 * ```
 */
export function plainLog(output: Output, options: PlainLogOptions): EventListener {
  const plans = new Map<string, string>();
  // The 10-second stretch of the memory-gate wait last printed (-1: none in this wait).
  let waitShown = -1;
  return (event) => {
    if (event.type === "plan.registered") plans.set(event.planId, event.filename);
    if (event.type === "memory.gate") waitShown = -1;
    if (event.type === "memory.wait") {
      const stretch = Math.floor(event.seconds / 10);
      if (stretch === waitShown && !options.verbose) return;
      waitShown = stretch;
    }
    const shown = plainLine(event, options, (id) => plans.get(id));
    if (!shown) return;
    if (shown.level === "warn" || shown.level === "error") output.err(shown.line);
    else output.out(shown.line);
  };
}
