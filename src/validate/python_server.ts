/**
 * One long-lived `python3 -I -S` process that syntax-checks Python source in
 * memory for a whole run, so a review costs a pipe round trip instead of an
 * interpreter start (about 150 ms through a version-manager shim).
 *
 * The pipeline owns it: the interpreter starts at the run's first Python
 * check (a run with no Python file starts none) or at an explicit
 * {@linkcode PythonCheckServer.start}, and {@linkcode PythonCheckServer.close}
 * stops it when the run ends. A check after a failed start, after the process
 * died or after `close` falls back to the one-shot {@linkcode python3BatchChecker};
 * results are the same either way (the same `compile()` call, the same result
 * cache).
 *
 * Protocol: one JSON line per request (`[{path, src}]`), one JSON line per
 * answer (`[null | {line, column, message}]`), strictly in turn.
 *
 * @module
 */
import {
  cachedPythonChecks,
  PY_CHECK_FUNCTION,
  python3BatchChecker,
  PYTHON_FLAGS,
  type PythonBatchChecker,
  type PythonCheckResult,
  type SyntaxIssue,
} from "./python_check.ts";

const LOOP_SCRIPT = `${PY_CHECK_FUNCTION}
for line in sys.stdin:
    sys.stdout.write(json.dumps([check(item) for item in json.loads(line)]) + "\\n")
    sys.stdout.flush()
`;

interface Running {
  child: Deno.ChildProcess;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  lines: AsyncIterator<string>;
}

/** A python3 process kept for the syntax checks of one run (see module doc). */
export class PythonCheckServer {
  #running: Running | null = null;
  /** Set by the first start: a server starts at most once (a closed or dead one stays one-shot). */
  #started = false;
  #queue: Promise<unknown> = Promise.resolve();
  #program: string;

  /** `program`: the interpreter to start (tests point it elsewhere). */
  constructor(program = "python3") {
    this.#program = program;
  }

  /** Starts the interpreter if it is not running; never throws (a failed start means one-shot checks). */
  start(): void {
    if (this.#running) return;
    this.#started = true;
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(this.#program, {
        args: [...PYTHON_FLAGS, "-u", "-c", LOOP_SCRIPT],
        stdin: "piped",
        stdout: "piped",
        stderr: "null",
      }).spawn();
    } catch {
      return;
    }
    const lines = child.stdout
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(splitLines())[Symbol.asyncIterator]();
    this.#running = { child, writer: child.stdin.getWriter(), lines };
  }

  /** True while the interpreter runs. */
  get running(): boolean {
    return this.#running !== null;
  }

  /** The {@linkcode PythonBatchChecker} of this server (cached by path and content). */
  readonly check: PythonBatchChecker = (files) =>
    cachedPythonChecks(files, (todo) => this.#turn(todo));

  #turn(files: { path: string; content: string }[]): Promise<PythonCheckResult[]> {
    const next = this.#queue.then(() => this.#ask(files));
    this.#queue = next.catch(() => {});
    return next;
  }

  async #ask(files: { path: string; content: string }[]): Promise<PythonCheckResult[]> {
    if (!this.#started) this.start();
    const running = this.#running;
    if (!running) return await python3BatchChecker(files);
    try {
      const payload = JSON.stringify(files.map((f) => ({ path: f.path, src: f.content })));
      await running.writer.write(new TextEncoder().encode(payload + "\n"));
      const answer = await running.lines.next();
      if (answer.done) throw new Error("python3 exited");
      const parsed = JSON.parse(answer.value) as (SyntaxIssue | null)[];
      if (!Array.isArray(parsed) || parsed.length !== files.length) {
        throw new Error("python3 answered out of turn");
      }
      return parsed.map((p) => p === null ? { kind: "ok" } : { kind: "error", issue: p });
    } catch {
      // The process died or misbehaved: stop it and answer this request the one-shot way.
      await this.close();
      return await python3BatchChecker(files);
    }
  }

  /** Stops the interpreter and waits for it; later checks run one-shot. Never throws. */
  async close(): Promise<void> {
    const running = this.#running;
    if (!running) return;
    this.#running = null;
    await running.writer.close().catch(() => {});
    try {
      running.child.kill("SIGTERM");
    } catch { /* already gone */ }
    await running.child.status.catch(() => {});
    // Drain what is left so the stdout stream and its reads end.
    while (!(await running.lines.next().catch(() => ({ done: true }))).done) { /* drain */ }
  }

  /** Closes the server (`await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function splitLines(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, controller) {
      rest += chunk;
      let nl: number;
      while ((nl = rest.indexOf("\n")) >= 0) {
        controller.enqueue(rest.slice(0, nl));
        rest = rest.slice(nl + 1);
      }
    },
    flush(controller) {
      if (rest !== "") controller.enqueue(rest);
    },
  });
}
