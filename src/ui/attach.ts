/**
 * Wires the terminal side of `lao run` to the event bus in one call: the
 * subscriber for the chosen UI mode, plus the run log file.
 *
 * @module
 */
import type { EventBus } from "../events/bus.ts";
import { createDashboard, type FrameWriter, stdoutFrameWriter } from "./dashboard.ts";
import type { DashboardState } from "./dashboard_state.ts";
import { jsonStream } from "./json_stream.ts";
import type { Output } from "./output.ts";
import { plainLog } from "./plain_log.ts";
import { runLogFile } from "./run_log.ts";
import type { UiMode } from "./select_mode.ts";

/** Options of {@linkcode attachUi}. */
export interface AttachUiOptions {
  /** From `selectUiMode`. */
  mode: UiMode;
  output: Output;
  /** Show debug lines (e.g. `LAO_DEBUG`). */
  verbose?: boolean;
  /** Where dashboard frames go (default: stdout). Not a TTY → plain log instead. */
  frames?: FrameWriter;
  /** Dashboard starting state (e.g. tasks already in the store). */
  initial?: DashboardState;
  /** Append every event to this NDJSON file (see `runLogPath`). */
  runLogPath?: string;
}

/** The attached UI. */
export interface AttachedUi {
  /** Unsubscribes everything, draws the last dashboard frame, closes the run log. */
  close(): void;
}

/**
 * Subscribes the UI for `options.mode` (and the run log) to `bus`.
 *
 * @example
 * ```ts
 * const mode = selectUiMode({ json, plain, envMode: env("LAO_UI_MODE"), stdoutIsTty: output.isTty });
 * const ui = attachUi(bus, { mode, output, runLogPath: runLogPath(configDir, new Date()) });
 * try { await runPipeline(); } finally { ui.close(); }
 * ```
 */
export function attachUi(bus: EventBus, options: AttachUiOptions): AttachedUi {
  const { output } = options;
  const verbose = options.verbose ?? false;
  const closers: (() => void)[] = [];
  if (options.runLogPath) {
    const log = runLogFile(options.runLogPath, { onError: (m) => output.err(m) });
    closers.push(bus.subscribe(log.listener), () => log.close());
  }
  const frames = options.mode === "dashboard" ? options.frames ?? stdoutFrameWriter() : undefined;
  if (options.mode === "json") {
    closers.push(bus.subscribe(jsonStream(output.out)));
  } else if (frames?.isTty) {
    const dash = createDashboard(frames, {
      color: output.color,
      verbose,
      initial: options.initial,
    });
    closers.push(bus.subscribe(dash.listener), () => dash.close());
  } else {
    closers.push(bus.subscribe(plainLog(output, { color: output.color, verbose })));
  }
  let closed = false;
  return {
    close() {
      if (closed) return;
      closed = true;
      for (const close of closers) close();
    },
  };
}
