/**
 * Reading a command's stdout and stderr into one capture, and giving up on
 * them when processes that escaped the group kill keep the pipes open.
 *
 * @module
 */
import type { OutputCapture } from "./output_cap.ts";
import { delay, killGroup } from "./process_group.ts";

/** One stream being read into a capture. */
export interface Drain {
  /** Settles when the stream ended. */
  done: Promise<void>;
  /** Stops reading. */
  cancel(): Promise<void>;
}

/** Reads a stream into the capture until it ends or is cancelled. */
export function drain(stream: ReadableStream<Uint8Array>, capture: OutputCapture): Drain {
  const reader = stream.getReader();
  const done = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      await capture.push(value);
    }
  })();
  return { done, cancel: () => reader.cancel().catch(() => {}) };
}

/**
 * Waits up to a second for `drains` to end after the command exited; then
 * kills what is left of the group `pid` and stops reading.
 */
export async function finishDrains(pid: number, drains: readonly Drain[]): Promise<void> {
  // Group members that escaped the kill may still hold the pipes: stop waiting for them.
  const grace = delay(1000);
  const drained = Promise.all(drains.map((d) => d.done)).then(() => true);
  const finished = await Promise.race([drained, grace.promise.then(() => false)]);
  grace.clear();
  if (finished) return;
  await killGroup(pid, "KILL");
  await Promise.all(drains.map((d) => d.cancel()));
  await Promise.allSettled(drains.map((d) => d.done));
}
