/**
 * The interactive home screen (bare `lao` on a terminal), driven headlessly
 * in tmux: what a person sees, and what the arrow keys do.
 */
import { HAS_TMUX as hasTmux, sessionName, shellQuote, tmux } from "../testing/tmux.ts";
import assert from "node:assert/strict";
import { start } from "./fake_server/server.ts";
import { laoPaneLine } from "./lao_pane.ts";

/**
 * Polls the pane until it matches `pattern` (prompts print no event to wait
 * on): the visible rows, or with `scrollback` everything the pane printed.
 */
async function waitForScreen(
  session: string,
  pattern: RegExp,
  opts: { scrollback?: boolean } = {},
): Promise<string> {
  // Bounded by a number of polls (1,500 of 40 ms: about a minute), not by the clock.
  const range = opts.scrollback ? ["-J", "-S", "-"] : [];
  let screen = "";
  for (let poll = 0; poll < 1500; poll++) {
    screen = await tmux("capture-pane", "-p", ...range, "-t", session);
    if (pattern.test(screen)) return screen;
    await new Promise((r) => setTimeout(r, 40));
  }
  throw new Error(`screen never showed ${pattern}:\n${screen}`);
}

/** In a menu whose cursor is on the first entry: Up wraps to the last entry, Exit; choose it. */
async function chooseExit(session: string): Promise<void> {
  await tmux("send-keys", "-t", session, "Up");
  await waitForScreen(session, /❯ Exit/);
  await tmux("send-keys", "-t", session, "Enter");
}

/** LAO running in a detached tmux session. */
interface TmuxLao {
  session: string;
  /**
   * Waits until LAO has exited (the pane's shell signals a tmux channel, no
   * polling) and returns everything the pane printed, scrollback included,
   * ending with `exit=CODE`.
   */
  exited(): Promise<string>;
}

/** Starts `lao ARGS` in `dir` inside a new detached tmux session. */
async function laoInTmux(dir: string, args: string[], rows = 30): Promise<TmuxLao> {
  const session = sessionName();
  const channel = `${session}-exited`;
  await tmux(
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    "120",
    "-y",
    String(rows),
    `cd ${shellQuote(dir)} && ${laoPaneLine(args)}; ` +
      `echo "exit=$?"; tmux wait-for -S ${channel}; sleep 30`,
  );
  return {
    session,
    async exited() {
      // A LAO that never exits would block this wait: after three minutes the
      // channel is signalled anyway and the test fails on the screen it shows.
      const guard = setTimeout(() => tmux("wait-for", "-S", channel), 180_000);
      try {
        await tmux("wait-for", channel);
      } finally {
        clearTimeout(guard);
      }
      return await tmux("capture-pane", "-p", "-J", "-S", "-", "-t", session);
    },
  };
}

Deno.test({
  name: "bare lao on a terminal shows the folder's state and runs the chosen action",
  ignore: !hasTmux,
  fn: async () => {
    await using server = await start({});
    const dir = await Deno.makeTempDir({ prefix: "lao_home_" });
    await Deno.writeTextFile(
      `${dir}/factory.yaml`,
      `lm_studio_base_url: ${server.url}
`,
    );
    const { session, exited } = await laoInTmux(dir, []);
    try {
      const home = await waitForScreen(session, /What next\?/);
      assert.match(home, /LAO \d+\.\d+\.\d+/);
      assert.match(home, /config ok · server ok · models ok · 0 plan\(s\)/);
      assert.match(home, /Run the pipeline \(lao run\)/);
      // Down twice: "Show task status".
      await tmux("send-keys", "-t", session, "Down");
      await tmux("send-keys", "-t", session, "Down");
      await tmux("send-keys", "-t", session, "Enter");
      // The action's output, then the menu again until Exit.
      const back = await waitForScreen(session, /back to the menu\)[^]*What next\?/, {
        scrollback: true,
      });
      assert.match(back, /Tasks/);
      assert.match(back, /pending\s+0/);
      assert.match(back, /\(status finished with exit code 0; back to the menu\)/);
      await chooseExit(session);
      const after = await exited();
      assert.match(after, /exit=0/);
    } finally {
      await tmux("kill-session", "-t", session).catch(() => "");
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "lao run on a terminal draws the live dashboard and ends with the summary",
  ignore: !hasTmux,
  fn: async () => {
    const { scriptedSession, EXAMPLE_TASKS } = await import("./pipeline/scripted.ts");
    const { exampleProject } = await import("./lao_process.ts");
    await using server = await start({ respond: scriptedSession(EXAMPLE_TASKS) });
    const dir = await exampleProject(server.url, "orchestration:\n  retry_cooldown_base_s: 0\n");
    const { session, exited } = await laoInTmux(dir, ["run", "--single-run"], 40);
    try {
      // The whole pane, scrollback included: a longer summary or extra warnings
      // push the last frame above the visible rows without changing what was drawn.
      const screen = await exited();
      assert.match(screen, /LAO · .* · plan example_plan\.md/);
      assert.match(screen, /\[█+\] 2\/2 tasks completed/);
      assert.match(screen, /completed 2 · failed 0/);
      // Not the plain log: that prints each transition as its own unindented line.
      assert.doesNotMatch(screen, /^\d\d:\d\d:\d\d task #1 pending → coding/m);
      assert.match(screen, /LAO run finished/);
      assert.match(screen, /exit=0/);
    } finally {
      await tmux("kill-session", "-t", session).catch(() => "");
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "lao init on a terminal asks for the server and memory, then writes matching settings",
  ignore: !hasTmux,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "lao_init_" });
    // A local port nobody listens on: the wizard's live probe fails at once.
    const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const url = `http://127.0.0.1:${closed.addr.port}`;
    closed.close();
    const { session, exited } = await laoInTmux(dir, ["init"]);
    try {
      await waitForScreen(session, /Model server URL/);
      await tmux("send-keys", "-t", session, "-l", url);
      await tmux("send-keys", "-t", session, "Enter");
      await waitForScreen(session, /Use this URL anyway/);
      await tmux("send-keys", "-t", session, "-l", "y");
      await tmux("send-keys", "-t", session, "Enter");
      await waitForScreen(session, /RAM\/VRAM in GB/);
      await tmux("send-keys", "-t", session, "-l", "16");
      await tmux("send-keys", "-t", session, "Enter");
      await waitForScreen(session, /Write a starter plan\?/);
      await tmux("send-keys", "-t", session, "-l", "n");
      await tmux("send-keys", "-t", session, "Enter");
      await waitForScreen(session, /What next\?/);
      await chooseExit(session);
      const done = await exited();
      assert.match(done, /wrote factory\.yaml/);
      assert.match(done, /exit=0/);
      const yaml = await Deno.readTextFile(`${dir}/factory.yaml`);
      assert.match(yaml, new RegExp(`^lm_studio_base_url: ${url.replaceAll(".", "\\.")}$`, "m"));
      assert.match(yaml, /^total_ram_gb: 16$/m);
      // A small machine gets the 7B suggestions, comments kept.
      assert.match(yaml, /key: qwen2\.5-coder-7b-instruct/);
      assert.match(yaml, /# Model per role/);
    } finally {
      await tmux("kill-session", "-t", session).catch(() => "");
      await Deno.remove(dir, { recursive: true });
    }
  },
});
