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
}

/** A listener rendering Pilot events on `out`. */
export function pilotRenderer(out: Output, opts: RenderOptions): EventListener {
  return (e) => {
    switch (e.type) {
      case "pilot.message":
        if (e.role === "user") {
          if (opts.echoUser || e.replay) out.out(`You: ${e.text}`);
        } else if (e.role === "assistant") out.out(`Pilot: ${e.text}`);
        else out.out(e.text);
        break;
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
