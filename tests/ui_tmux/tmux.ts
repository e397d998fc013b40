/**
 * Drives LAO in a detached tmux session for the dashboard acceptance tests:
 * start it, poll what the pane shows (bounded by a number of polls, never a
 * sleep standing in for a signal), and read every frame it drew from the raw
 * terminal output (`pipe-pane`, set up before LAO starts).
 *
 * @module
 */
import { HAS_TMUX, sessionName, shellQuote, tmux } from "../../testing/tmux.ts";
/** Whether tmux can run here (the tests are ignored otherwise). */
export const hasTmux: boolean = HAS_TMUX;
export { tmux };
import { laoPaneLine } from "../lao_pane.ts";

/** Polls between pane captures (pacing only: each capture decides, not the wait). */
const POLL_MS = 40;

/** LAO running in a detached tmux session. */
export interface TmuxLao extends AsyncDisposable {
  session: string;
  /**
   * Polls the visible pane until `pattern` matches (or returns true for it)
   * and returns that screen;
   * throws with the last screen after `polls` captures (default 3000, about
   * two minutes on a loaded machine). `each` sees every capture taken.
   */
  waitForScreen(
    pattern: RegExp | ((screen: string) => boolean),
    opts?: { polls?: number; each?: (screen: string) => void },
  ): Promise<string>;
  /** Sends keys (tmux key names, e.g. `C-c`). */
  keys(...keys: string[]): Promise<void>;
  /**
   * Waits until LAO exits (the pane's shell signals a tmux channel) and
   * returns the pane with its scrollback, ending with `exit=CODE`.
   */
  exited(): Promise<string>;
  /** Everything LAO wrote to the terminal so far, escape sequences included. */
  raw(): Promise<string>;
}

/**
 * Starts `lao ARGS` in `dir` inside a new detached tmux session of
 * `columns` x `rows`. The pane's output is piped to a file before LAO
 * starts, so {@linkcode frames} sees the very first frame.
 */
export async function laoInTmux(
  dir: string,
  args: string[],
  opts: { rows?: number; columns?: number; env?: Record<string, string> } = {},
): Promise<TmuxLao> {
  const session = sessionName();
  const go = `${session}-go`;
  const done = `${session}-exited`;
  const rawFile = await Deno.makeTempFile({ prefix: "lao_tmux_raw_" });
  await tmux(
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    String(opts.columns ?? 120),
    "-y",
    String(opts.rows ?? 30),
    `tmux wait-for ${go}; cd ${shellQuote(dir)} && ${laoPaneLine(args, opts.env)}; ` +
      `echo "exit=$?"; tmux wait-for -S ${done}; sleep 60`,
  );
  await tmux("pipe-pane", "-t", session, "-o", `cat >> ${shellQuote(rawFile)}`);
  await tmux("wait-for", "-S", go);
  let exitedScreen: string | undefined;
  return {
    session,
    async waitForScreen(pattern, o = {}) {
      const polls = o.polls ?? 3000;
      let screen = "";
      for (let i = 0; i < polls; i++) {
        screen = await tmux("capture-pane", "-p", "-t", session);
        o.each?.(screen);
        if (typeof pattern === "function" ? pattern(screen) : pattern.test(screen)) return screen;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      throw new Error(`the screen never showed ${pattern} in ${polls} polls:\n${screen}`);
    },
    async keys(...keys) {
      for (const key of keys) await tmux("send-keys", "-t", session, key);
    },
    async exited() {
      if (exitedScreen !== undefined) return exitedScreen;
      // A LAO that never exits would block this wait: after three minutes the
      // channel is signalled anyway and the test fails on the screen it shows.
      const guard = setTimeout(() => tmux("wait-for", "-S", done), 180_000);
      try {
        await tmux("wait-for", done);
      } finally {
        clearTimeout(guard);
      }
      exitedScreen = await tmux("capture-pane", "-p", "-J", "-S", "-", "-t", session);
      return exitedScreen;
    },
    async raw() {
      return await Deno.readTextFile(rawFile);
    },
    async [Symbol.asyncDispose]() {
      await tmux("kill-session", "-t", session).catch(() => "");
      await Deno.remove(rawFile).catch(() => {});
    },
  };
}

/**
 * The dashboard frames in raw terminal output, in order: the dashboard draws
 * a frame, then moves the cursor up over it and clears before the next one,
 * so each frame is the text between two `ESC[nA ESC[J` sequences. Other
 * escape sequences and carriage returns are removed.
 */
export function frames(raw: string): string[] {
  // deno-lint-ignore no-control-regex
  const redraw = /\x1b\[\d+A\x1b\[J/;
  return raw.split(redraw).map((f) =>
    // deno-lint-ignore no-control-regex
    f.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\x1b[()][A-Z0-9]/g, "").replaceAll("\r", "")
  );
}
