/**
 * A tiny synchronous event bus. Subscribers must not throw; a throwing
 * subscriber is reported on stderr and never breaks the emitter.
 *
 * @module
 */
import type { LaoEvent } from "./types.ts";

/** A function that receives events. */
export type EventListener = (event: LaoEvent & { at: string }) => void;

/** A function that emits events. Ports and agents accept one of these. */
export type Emit = (event: LaoEvent) => void;

/** Fan-out of {@linkcode LaoEvent}s to subscribers, each stamped with an ISO time. */
export class EventBus {
  #listeners = new Set<EventListener>();
  #now: () => Date;

  /** Creates a bus; `now` is injectable for tests. */
  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  /** Adds a listener and returns a function that removes it. */
  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Emits an event to every listener. */
  emit: Emit = (event) => {
    const stamped = { ...event, at: this.#now().toISOString() };
    for (const listener of this.#listeners) {
      try {
        listener(stamped);
      } catch (err) {
        // A broken subscriber must never break the pipeline.
        console.error("event listener failed:", err);
      }
    }
  };
}

/** An emitter that drops everything (for tests and library use). */
export const noopEmit: Emit = () => {};
