/**
 * The interactive home screen (bare `lao` on a terminal), driven headlessly
 * in tmux: what a person sees, and what the arrow keys do.
 */
import assert from "node:assert/strict";
import { start } from "./fake_server/server.ts";
import { denoPath, laoCommand } from "./lao_process.ts";

const hasTmux = (() => {
  try {
    return new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
})();

async function tmux(...args: string[]): Promise<string> {
  const out = await new Deno.Command("tmux", { args, stdout: "piped", stderr: "piped" }).output();
  return new TextDecoder().decode(out.stdout);
}

async function waitForScreen(
  session: string,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let screen = "";
  while (Date.now() < deadline) {
    screen = await tmux("capture-pane", "-p", "-t", session);
    if (pattern.test(screen)) return screen;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`screen never showed ${pattern}:\n${screen}`);
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

Deno.test({
  name: "bare lao on a terminal shows the folder's state and runs the chosen action",
  ignore: !hasTmux,
  fn: async () => {
    await using server = await start({});
    const dir = await Deno.makeTempDir({ prefix: "lao_home_" });
    const session = `lao-home-${crypto.randomUUID().slice(0, 8)}`;
    try {
      await Deno.writeTextFile(`${dir}/factory.yaml`, `lm_studio_base_url: ${server.url}\n`);
      const command = [denoPath(), ...laoCommand()].map(shellQuote).join(" ");
      await tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "120",
        "-y",
        "30",
        `cd ${shellQuote(dir)} && NO_COLOR=1 ${command}; echo "exit=$?"; sleep 30`,
      );
      const home = await waitForScreen(session, /What next\?/);
      assert.match(home, /LAO \d+\.\d+\.\d+/);
      assert.match(home, /config ok · server ok · models ok · 0 plan\(s\)/);
      assert.match(home, /Run the pipeline \(lao run\)/);
      // Down twice: "Show task status".
      await tmux("send-keys", "-t", session, "Down");
      await tmux("send-keys", "-t", session, "Down");
      await tmux("send-keys", "-t", session, "Enter");
      const after = await waitForScreen(session, /exit=\d+/);
      assert.match(after, /Tasks/);
      assert.match(after, /pending\s+0/);
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
    const session = `lao-dash-${crypto.randomUUID().slice(0, 8)}`;
    try {
      const command = [denoPath(), ...laoCommand(), "run", "--single-run"].map(shellQuote).join(
        " ",
      );
      await tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "120",
        "-y",
        "40",
        `cd ${shellQuote(dir)} && NO_COLOR=1 ${command}; echo "exit=$?"; sleep 30`,
      );
      const screen = await waitForScreen(session, /exit=\d+/, 60_000);
      assert.match(screen, /LAO · .* · plan example_plan\.md/);
      assert.match(screen, /\[█+\] 2\/2 tasks completed/);
      assert.match(screen, /completed 2 · failed 0/);
      assert.match(screen, /LAO run finished/);
      assert.match(screen, /exit=0/);
    } finally {
      await tmux("kill-session", "-t", session).catch(() => "");
      await Deno.remove(dir, { recursive: true });
    }
  },
});
