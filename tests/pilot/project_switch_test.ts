/**
 * `/project use` in the Pilot switches the model server and the models
 * too: the next answer comes from the other project's server.
 */
import assert from "node:assert/strict";
import { type ChatBody, start } from "../fake_server/server.ts";
import { exampleProject, runLao } from "../lao_process.ts";

function lastText(body: ChatBody): string {
  return String(body.messages?.at(-1)?.content ?? "");
}

Deno.test("after /project use the pilot talks to the new project's server", async () => {
  await using first = await start({ respond: (b) => ({ content: `first: ${lastText(b)}` }) });
  await using second = await start({ respond: (b) => ({ content: `second: ${lastText(b)}` }) });
  const a = await exampleProject(first.url);
  const b = await exampleProject(second.url);
  const home = await Deno.makeTempDir({ prefix: "lao_switch_home_" });
  try {
    const r = await runLao(a, ["pilot", "--plain"], {
      env: { HOME: home },
      stdin: `hello\n/project use ${b}\nhello again\n/exit\n`,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Pilot: first: hello/);
    assert.match(r.stdout, new RegExp(`Switched to project .*pilot model .* at ${second.url}`));
    assert.match(r.stdout, /Pilot: second: hello again/);
    const chats = (s: typeof first) =>
      s.requests.filter((q) => q.path.endsWith("/chat/completions")).length;
    assert.equal(chats(first), 1);
    assert.equal(chats(second), 1);
  } finally {
    for (const d of [a, b, home]) await Deno.remove(d, { recursive: true });
  }
});
