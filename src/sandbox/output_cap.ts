/**
 * Streaming capture of command output: keeps the first and last N characters
 * for the model and writes everything (up to a log cap) to a log file.
 *
 * @module
 */

/** Where the full output goes (an open file, or a test double). */
export interface LogSink {
  /** Writes some bytes and returns how many were written. */
  write(p: Uint8Array): Promise<number>;
}

/** Options of {@linkcode OutputCapture}. */
export interface OutputCaptureOptions {
  /** Characters kept from the start (default 2000). */
  head?: number;
  /** Characters kept from the end (default 2000). */
  tail?: number;
  /** Open log file that receives the full output, or undefined. */
  log?: LogSink;
  /** Largest number of bytes written to the log (default 16 MiB). */
  maxLogBytes?: number;
}

/** Collects streamed chunks into a head + tail summary and a full log. */
export class OutputCapture {
  #headMax: number;
  #tailMax: number;
  #head = "";
  #tail = "";
  #total = 0;
  #logged = 0;
  #log?: LogSink;
  #logError?: string;
  #maxLog: number;
  #decoder = new TextDecoder();

  /** Creates an empty capture. */
  constructor(options: OutputCaptureOptions = {}) {
    this.#headMax = options.head ?? 2000;
    this.#tailMax = options.tail ?? 2000;
    this.#log = options.log;
    this.#maxLog = options.maxLogBytes ?? 16 * 1024 * 1024;
  }

  /** Total bytes seen. */
  get totalBytes(): number {
    return this.#total;
  }

  #queue: Promise<void> = Promise.resolve();

  /** Adds one chunk of raw output (calls are serialised, so streams may share a capture). */
  push(chunk: Uint8Array): Promise<void> {
    this.#queue = this.#queue.then(() => this.#push(chunk));
    return this.#queue;
  }

  async #push(chunk: Uint8Array): Promise<void> {
    this.#total += chunk.length;
    if (this.#log !== undefined && this.#logged < this.#maxLog) {
      const part = chunk.subarray(0, this.#maxLog - this.#logged);
      this.#logged += part.length;
      try {
        let written = 0;
        while (written < part.length) written += await this.#log.write(part.subarray(written));
      } catch (err) {
        // A full disk (ENOSPC) or a failing log must not lose the result: stop logging.
        this.#logError = (err as Error).message;
        this.#log = undefined;
      }
    }
    this.#add(this.#decoder.decode(chunk, { stream: true }));
  }

  #add(text: string): void {
    if (this.#head.length < this.#headMax) {
      const take = this.#headMax - this.#head.length;
      this.#head += text.slice(0, take);
      text = text.slice(take);
    }
    if (text === "") return;
    this.#tail = (this.#tail + text).slice(-this.#tailMax);
  }

  /** Why the log stopped being written (e.g. the disk is full), when it did. */
  get logError(): string | undefined {
    return this.#logError;
  }

  /** True when some output was dropped from the summary. */
  get truncated(): boolean {
    return this.#omitted() > 0;
  }

  #omitted(): number {
    const kept = new TextEncoder().encode(this.#head + this.#tail).length;
    return Math.max(0, this.#total - kept);
  }

  /** The capped text: head, an omission marker when needed, and tail. */
  text(): string {
    this.#add(this.#decoder.decode());
    const omitted = this.#omitted();
    if (omitted === 0) return this.#head + this.#tail;
    return `${this.#head}\n... ${omitted} bytes omitted ...\n${this.#tail}`;
  }
}
