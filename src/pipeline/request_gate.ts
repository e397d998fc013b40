/**
 * A server's slots held per request, not per task (issue 16): at most
 * `slots` requests of a server's tasks are in flight at once, the others wait
 * their turn in the order they asked. With the gate the only server of a
 * wave runs one task more than it has slots: while its slots generate, that
 * task is ready with its next request, and a task between two requests (its
 * tools, its validation, its commit) holds no slot, so the slot goes to
 * another task's request instead of idling.
 *
 * @module
 */
import type { ModelPort } from "../agents/model_port.ts";

/** A first-come, first-served gate of `permits` places. */
export interface RequestGate {
  /** Runs `fn` once a place is free; the place is freed when it settles. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Requests running now. */
  readonly running: number;
  /** Requests waiting for a place. */
  readonly waiting: number;
}

/** A gate of `permits` (at least 1) places. */
export function requestGate(permits: number): RequestGate {
  const places = Math.max(1, permits);
  const queue: (() => void)[] = [];
  let running = 0;
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else running--;
  };
  return {
    async run(fn) {
      if (running < places) running++;
      else await new Promise<void>((resolve) => queue.push(resolve));
      try {
        return await fn();
      } finally {
        release();
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
  };
}

/** `port` whose chat requests go through `gate` (embeddings and counting do not). */
export function gatedModelPort(port: ModelPort, gate: RequestGate): ModelPort {
  return {
    call: (role, req, meta) => gate.run(() => port.call(role, req, meta)),
    callStructured: (role, req, format, meta) =>
      gate.run(() => port.callStructured(role, req, format, meta)),
    embed: (texts) => port.embed(texts),
    count: port.count,
    factor: (role) => port.factor(role),
  };
}

/**
 * How many tasks a server with `slots` slots runs at once: one more than its
 * slots when it has two or more and is the only server taking the wave's
 * work (the gate keeps its requests to `slots`), else one per slot. With two
 * servers or more, a task more on one would be a task fewer on another with a
 * free slot (`bench/wave_replay.ts`: 0.24x against 0.22x for two servers of 4).
 */
export function tasksPerServer(slots: number, onlyServer = true): number {
  return onlyServer && slots >= 2 ? slots + 1 : slots;
}
