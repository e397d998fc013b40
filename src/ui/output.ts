/**
 * The terminal port: where text goes, and whether it may be coloured.
 *
 * @module
 */

/** Writes lines to the user. */
export interface Output {
  /** A line on stdout. */
  out(line: string): void;
  /** A line on stderr. */
  err(line: string): void;
  /** stdout is a terminal. */
  readonly isTty: boolean;
  /** Colour allowed (TTY and neither NO_COLOR nor LAO_COLOR=0). */
  readonly color: boolean;
}

const encoder = new TextEncoder();

/** Writes a line; a reader that went away (`lao status | head`) is not an error. */
function write(stream: { writeSync(p: Uint8Array): number }, line: string): void {
  const bytes = encoder.encode(line + "\n");
  try {
    let written = 0;
    while (written < bytes.length) written += stream.writeSync(bytes.subarray(written));
  } catch (err) {
    if (!(err instanceof Deno.errors.BrokenPipe)) throw err;
  }
}

/** The real terminal. */
export function denoOutput(env: (name: string) => string | undefined): Output {
  const isTty = Deno.stdout.isTerminal();
  const forced = env("LAO_COLOR");
  const color = forced !== undefined
    ? /^(1|true|yes|on)$/i.test(forced)
    : isTty && env("NO_COLOR") === undefined;
  return {
    out: (line) => write(Deno.stdout, line),
    err: (line) => write(Deno.stderr, line),
    isTty,
    color,
  };
}

/** An output that records lines (tests). */
export function memoryOutput(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (l) => void stdout.push(l),
    err: (l) => void stderr.push(l),
    isTty: false,
    color: false,
  };
}

/** Wraps `text` in an ANSI style when colour is on. */
export function style(o: Output, code: "bold" | "dim" | "red" | "green" | "yellow", text: string) {
  if (!o.color) return text;
  const codes = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39] };
  const [a, b] = codes[code];
  return `\x1b[${a}m${text}\x1b[${b}m`;
}
