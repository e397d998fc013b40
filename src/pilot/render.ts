/**
 * The Pilot's plain renderer: a bus listener printing the chat, tool calls
 * and model loads as lines (the `--json` mode uses the common event stream
 * instead).
 *
 * @module
 */
import type { EventListener } from "../events/bus.ts";
import type { Output } from "../ui/output.ts";

/** Options of {@linkcode pilotRenderer}. */
export interface RenderOptions {
  /** Echo the user's messages (off on a terminal, where they were just typed). */
  echoUser: boolean;
  verbose?: boolean;
  /**
   * Writes text without a line end (a terminal): answers are then shown as
   * they stream in. Without it, each answer is printed once, whole.
   */
  write?: (text: string) => void;
}

/** A listener rendering Pilot events on `out`. */
export function pilotRenderer(out: Output, opts: RenderOptions): EventListener {
  // The answer streamed since the last full line, when one is open.
  let streamed: string | undefined;
  const endLine = () => {
    if (streamed !== undefined) opts.write?.("\n");
    const was = streamed;
    streamed = undefined;
    return was;
  };
  return (e) => {
    if (e.type !== "pilot.delta" && e.type !== "log" && e.type !== "pilot.message") endLine();
    switch (e.type) {
      case "pilot.delta":
        if (!opts.write || !e.text) break;
        if (streamed === undefined) {
          opts.write("Pilot: ");
          streamed = "";
        }
        opts.write(e.text);
        streamed += e.text;
        break;
      case "pilot.message": {
        const shown = endLine();
        if (e.role === "user") {
          if (opts.echoUser || e.replay) out.out(`You: ${e.text}`);
        } else if (e.role === "assistant") {
          // Already on the screen as it streamed: not printed twice.
          if (shown === undefined || shown.trim() !== e.text.trim()) out.out(`Pilot: ${e.text}`);
        } else out.out(e.text);
        break;
      }
      case "tool.call":
        out.out(`  ${e.ok ? "✓" : "✗"} ${e.summary}`);
        break;
      case "model.load":
        out.out(`  loaded ${e.model} for ${e.role} (${e.seconds.toFixed(1)} s)`);
        break;
      case "log":
        if (e.level === "warn" || e.level === "error") out.err(`${e.level}: ${e.message}`);
        else if (opts.verbose || (e.source === "pilot" && e.message.startsWith("tokens"))) {
          out.out(`  ${e.message}`);
        }
        break;
      default:
        break;
    }
  };
}
