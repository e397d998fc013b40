/**
 * tmux for the terminal tests: whether it runs here, one way to call it, and
 * shell quoting for the command a pane runs. Each session is named
 * `lao-<8 hex>` and runs on a tmux server of its own (a socket named after
 * it), so a test that ends its session can never take another test's down.
 *
 * @module
 */

/** True when tmux can be started here (the terminal tests are ignored otherwise). */
export const HAS_TMUX: boolean = (() => {
  try {
    return new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
})();

/** A fresh session name, `lao-<8 hex>` (its server's socket has the same name). */
export function sessionName(): string {
  return `lao-${crypto.randomUUID().slice(0, 8)}`;
}

/** Runs `tmux ARGS` on the server of the session the arguments name; returns stdout. */
export async function tmux(...args: string[]): Promise<string> {
  const socket = args.join(" ").match(/lao-[0-9a-f]{8}/)?.[0];
  const out = await new Deno.Command("tmux", {
    args: socket ? ["-L", socket, ...args] : args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout);
}

/** `s` quoted for `sh`. */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
