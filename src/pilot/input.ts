/**
 * Reading the user's lines: one request per line from a pipe, and on a
 * terminal a line ending in `\` continues the message on the next line.
 *
 * @module
 */

/** Splits a byte stream into lines (without the line break). */
export async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffer = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, nl).replace(/\r$/, "");
      buffer = buffer.slice(nl + 1);
    }
  }
  if (buffer) yield buffer;
}

/** Joins continued lines (`...\`) into one message. */
export async function* joinContinued(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let parts: string[] = [];
  for await (const line of lines) {
    if (line.endsWith("\\")) {
      parts.push(line.slice(0, -1));
      continue;
    }
    parts.push(line);
    yield parts.join("\n");
    parts = [];
  }
  if (parts.length) yield parts.join("\n");
}
