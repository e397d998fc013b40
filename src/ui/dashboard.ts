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

/** The dashboard behind {@linkcode createDashboard}: state, the last frame's height, the redraw timer. */
class LiveDashboard implements Dashboard {
  #state: DashboardState;
  #now: () => number;
  #schedule: Schedule;
  #interval: number;
  #width: () => number;
  #started: number;
  #drawn = 0;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #dirty = true;
  #cancel: (() => void) | undefined;
  #closed = false;

  constructor(private readonly writer: FrameWriter, private readonly options: DashboardOptions) {
    this.#now = options.now ?? Date.now;
    this.#schedule = options.schedule ?? timeoutSchedule;
    this.#interval = options.intervalMs ?? 100;
    this.#width = options.width ?? consoleWidth;
    this.#state = options.initial ?? initialState();
    this.#started = this.#now();
  }

  get state(): DashboardState {
    return this.#state;
  }

  /** Draws the panel over the last one, with `above` printed first (it stays in the scrollback). */
  #frame(above = ""): void {
    const lines = render(this.#state, {
      // One column spare so a full line never wraps and breaks the cursor maths.
      width: Math.min(220, this.#width()) - 1,
      color: this.options.color,
      activityLines: this.options.activityLines,
      elapsedSeconds: (this.#now() - this.#started) / 1000,
    });
    const clear = this.#drawn ? up(this.#drawn) : "";
    this.writer.write(clear + above + lines.map((l) => l + "\n").join(""));
    this.#drawn = lines.length;
    this.#lastDraw = this.#now();
    this.#dirty = false;
  }

  #cancelTimer(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  flush = (): void => {
    this.#cancelTimer();
    if (this.#dirty && this.writer.isTty) this.#frame();
  };

  listener: EventListener = (event) => {
    if (this.#closed) return;
    this.#state = reduce(this.#state, event);
    this.#dirty = true;
    if (!this.writer.isTty) return;
    const shown = plainLine(
      event,
      { color: this.options.color, verbose: this.options.verbose ?? false },
      (id) => this.#state.planNames[id],
    );
    if (shown && (shown.level === "warn" || shown.level === "error")) {
      this.#cancelTimer();
      this.#frame(shown.line + "\n");
      return;
    }
    const wait = this.#lastDraw + this.#interval - this.#now();
    if (wait <= 0) this.flush();
    else this.#cancel ??= this.#schedule(this.flush, wait);
  };

  close = (): void => {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
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
  return new LiveDashboard(writer, options);
}
