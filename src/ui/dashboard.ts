/**
 * The live dashboard: a thin TTY wrapper around the pure state and view.
 * It redraws the panel in place (cursor up + clear to end of screen) at most
 * every 100 ms, and prints warnings and errors as plain lines above it so
 * they stay in the scrollback. On a non-TTY writer it draws nothing.
 *
 * @module
 */
import type { EventListener } from "../events/bus.ts";
import { type DashboardState, initialState, reduce } from "./dashboard_state.ts";
import { render } from "./dashboard_view.ts";
import { plainLine } from "./plain_log.ts";

/** Where frames go. */
export interface FrameWriter {
  /** Writes raw text (no newline added). */
  write(text: string): void;
  /** The target is a terminal; otherwise nothing is drawn. */
  readonly isTty: boolean;
}

/** Runs `fn` after `ms`; returns a function cancelling it. */
export type Schedule = (fn: () => void, ms: number) => () => void;

/** Options of {@linkcode createDashboard}. */
export interface DashboardOptions {
  /** Use ANSI colours in the panel. */
  color: boolean;
  /** Terminal columns (default: the console size, else 80). */
  width?: () => number;
  /** Clock in milliseconds (default `Date.now`). */
  now?: () => number;
  /** Timer (default `setTimeout`). */
  schedule?: Schedule;
  /** Minimum time between redraws (default 100 ms). */
  intervalMs?: number;
  /** Starting state, e.g. seeded with the tasks already in the store. */
  initial?: DashboardState;
  /** Activity lines in the panel (default 8). */
  activityLines?: number;
  /** Also show debug-level problem lines (default false). */
  verbose?: boolean;
}

/** A running dashboard. */
export interface Dashboard {
  /** Subscribe this to the bus. */
  listener: EventListener;
  /** Draws now if anything changed. */
  flush(): void;
  /** Draws the last frame, leaves it on screen and ignores later events. */
  close(): void;
  /** The current state. */
  readonly state: DashboardState;
}

// Cursor up n lines, then clear to the end of the screen.
const up = (n: number) => `\x1b[${n}A\x1b[J`;

function consoleWidth(): number {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return 80;
  }
}

function timeoutSchedule(fn: () => void, ms: number): () => void {
  const id = setTimeout(fn, ms);
  return () => clearTimeout(id);
}

/** The real stdout as a {@linkcode FrameWriter}. */
export function stdoutFrameWriter(): FrameWriter {
  const encoder = new TextEncoder();
  return {
    isTty: Deno.stdout.isTerminal(),
    write(text) {
      const bytes = encoder.encode(text);
      let done = 0;
      while (done < bytes.length) done += Deno.stdout.writeSync(bytes.subarray(done));
    },
  };
}

/**
 * Creates a dashboard drawing on `writer`.
 *
 * @example
 * ```ts
 * const dash = createDashboard(stdoutFrameWriter(), { color: true });
 * const stop = bus.subscribe(dash.listener);
 * // … run …
 * stop();
 * dash.close();
 * ```
 */
export function createDashboard(writer: FrameWriter, options: DashboardOptions): Dashboard {
  const now = options.now ?? Date.now;
  const schedule = options.schedule ?? timeoutSchedule;
  const interval = options.intervalMs ?? 100;
  const width = options.width ?? consoleWidth;
  let state = options.initial ?? initialState();
  const started = now();
  let drawn = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let dirty = true;
  let cancel: (() => void) | undefined;
  let closed = false;

  const frame = (above = "") => {
    const lines = render(state, {
      // One column spare so a full line never wraps and breaks the cursor maths.
      width: Math.min(220, width()) - 1,
      color: options.color,
      activityLines: options.activityLines,
      elapsedSeconds: (now() - started) / 1000,
    });
    writer.write((drawn ? up(drawn) : "") + above + lines.map((l) => l + "\n").join(""));
    drawn = lines.length;
    lastDraw = now();
    dirty = false;
  };

  const flush = () => {
    cancel?.();
    cancel = undefined;
    if (dirty && writer.isTty) frame();
  };

  const listener: EventListener = (event) => {
    if (closed) return;
    state = reduce(state, event);
    dirty = true;
    if (!writer.isTty) return;
    const shown = plainLine(
      event,
      { color: options.color, verbose: options.verbose ?? false },
      (id) => state.planNames[id],
    );
    if (shown && (shown.level === "warn" || shown.level === "error")) {
      cancel?.();
      cancel = undefined;
      frame(shown.line + "\n");
      return;
    }
    const wait = lastDraw + interval - now();
    if (wait <= 0) flush();
    else cancel ??= schedule(flush, wait);
  };

  return {
    listener,
    flush,
    close() {
      if (closed) return;
      flush();
      closed = true;
    },
    get state() {
      return state;
    },
  };
}
