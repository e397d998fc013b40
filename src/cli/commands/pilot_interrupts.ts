/**
 * Ctrl+C in `lao pilot`: the first press cancels the model call in flight
 * (or says how to leave), a second press in a row asks to exit.
 *
 * @module
 */

/** Counts Ctrl+C presses across the Pilot's turns. */
export class PilotInterrupts {
  #count = 0;
  #turn: AbortController | undefined;
  #exitNow: () => void = () => {};
  /** Resolves with `"interrupt"` on the second press in a row. */
  readonly exitRequested: Promise<"interrupt">;

  /** Tells the user what a press did through `say` (stderr). */
  constructor(private readonly say: (line: string) => void) {
    this.exitRequested = new Promise<"interrupt">((r) => this.#exitNow = () => r("interrupt"));
  }

  #onSigint = (): void => {
    this.#count++;
    if (this.#count >= 2) this.#exitNow();
    else if (this.#turn) {
      this.#turn.abort();
      this.say("Cancelling the model call (Ctrl+C again to exit)...");
    } else this.say("Press Ctrl+C again to exit, or keep typing.");
  };

  /** Starts (`true`) or stops listening for SIGINT. */
  listen(on: boolean): void {
    try {
      if (on) Deno.addSignalListener("SIGINT", this.#onSigint);
      else Deno.removeSignalListener("SIGINT", this.#onSigint);
    } catch {
      // no signals on this platform
    }
  }

  /** A line arrived: presses so far are forgotten; returns the signal that cancels this turn. */
  startTurn(): AbortSignal {
    this.#count = 0;
    this.#turn = new AbortController();
    return this.#turn.signal;
  }

  /** The turn ended: a single press during it was spent on cancelling it. */
  endTurn(): void {
    this.#turn = undefined;
    if (this.#count === 1) this.#count = 0;
  }
}
