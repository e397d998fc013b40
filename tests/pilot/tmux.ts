/**
 * LAO in a detached tmux pane for the interactive acceptance tests: start
 * it, type into it, and wait for what the pane shows. Every wait is a
 * bounded number of `capture-pane` polls (the pause between polls only
 * spaces them out; the signal is always the pane's content), so a loaded
 * machine makes a test slower, never wrong.
 *
 * @module
 */
import { HAS_TMUX, sessionName, shellQuote, tmux } from "../../testing/tmux.ts";
export { HAS_TMUX };
import { laoPaneLine } from "../lao_pane.ts";

/** Polls of the pane before a wait gives up (about 5 minutes at the poll spacing). */
const MAX_POLLS = 7500;
const POLL_SPACING_MS = 40;

/** One LAO process in its own tmux session. */
export class TmuxLao implements AsyncDisposable {
  readonly session: string;

  private constructor(session: string) {
    this.session = session;
  }

  /** Starts `lao ARGS` in `dir`; `env` is added to the child's environment. */
  static async start(
    dir: string,
    args: string[],
    env: Record<string, string> = {},
    rows = 50,
  ): Promise<TmuxLao> {
    const session = sessionName();
    await tmux(
      "new-session",
      "-d",
      "-s",
      session,
      "-x",
      "150",
      "-y",
      String(rows),
      `cd ${shellQuote(dir)} && ${laoPaneLine(args, env)}; echo "exit=$?"; sleep 600`,
    );
    await tmux("set-option", "-t", session, "history-limit", "20000");
    return new TmuxLao(session);
  }

  /** Everything the pane printed so far, scrollback included (wrapped lines joined). */
  async screen(): Promise<string> {
    return await tmux("capture-pane", "-p", "-J", "-S", "-", "-t", this.session);
  }

  /**
   * Polls the pane until `pattern` shows up `times` times (so a question
   * asked again is told apart from its first asking); returns the whole
   * pane. Throws with the pane's content when it never does, or when LAO
   * exited without it.
   */
  async waitFor(pattern: RegExp, times = 1): Promise<string> {
    const global = new RegExp(
      pattern.source,
      pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`,
    );
    let screen = "";
    for (let i = 0; i < MAX_POLLS; i++) {
      screen = await this.screen();
      if ((screen.match(global)?.length ?? 0) >= times) return screen;
      if (/^exit=\d+$/m.test(screen)) {
        throw new Error(`LAO exited before the pane showed ${pattern}:\n${screen}`);
      }
      await new Promise((r) => setTimeout(r, POLL_SPACING_MS));
    }
    throw new Error(`the pane never showed ${pattern}:\n${screen}`);
  }

  /** Waits until LAO exited; returns its exit code and the whole pane. */
  async exited(): Promise<{ code: number; screen: string }> {
    let screen = "";
    for (let i = 0; i < MAX_POLLS && !/^exit=\d+$/m.test(screen); i++) {
      if (i) await new Promise((r) => setTimeout(r, POLL_SPACING_MS));
      screen = await this.screen();
    }
    if (!/^exit=\d+$/m.test(screen)) throw new Error(`LAO never exited:\n${screen}`);
    return { code: Number(/^exit=(\d+)$/m.exec(screen)![1]), screen };
  }

  /** Types `text` literally (no Enter). */
  async type(text: string): Promise<void> {
    await tmux("send-keys", "-t", this.session, "-l", text);
  }

  /** Presses keys by tmux name (`Enter`, `Down`, `C-c`, `BSpace`). */
  async press(...keys: string[]): Promise<void> {
    for (const k of keys) await tmux("send-keys", "-t", this.session, k);
  }

  /** Types `text` and presses Enter. */
  async line(text: string): Promise<void> {
    await this.type(text);
    await this.press("Enter");
  }

  /** Ends the tmux session. */
  async [Symbol.asyncDispose](): Promise<void> {
    await tmux("kill-session", "-t", this.session).catch(() => "");
  }
}
