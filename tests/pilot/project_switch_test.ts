/**
 * `/project use` in the Pilot switches the model server and the models
 * too: the next answer comes from the other project's server. In-process,
 * with the Pilot's input piped in and `HOME` (the project registry) set for
 * the command.
 */
import assert from "node:assert/strict";
import { type ChatBody, start } from "../fake_server/server.ts";
import { exampleProject } from "../lao_process.ts";
import { laoInProcess } from "../lao_in_process.ts";

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
    const r = await laoInProcess(a, ["pilot", "--plain"], {
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

Deno.test("a switch to a broken project changes nothing; after a good switch the file tools read the new project", async () => {
  await using first = await start({ respond: (b) => ({ content: `first: ${lastText(b)}` }) });
  await using second = await start({
    respond: (b) => {
      const last = b.messages?.at(-1);
      if (last?.role === "tool") return { content: `read: ${String(last.content).trim()}` };
      return { toolCalls: [{ name: "file_read", arguments: { path: "marker.txt" } }] };
    },
  });
  const a = await exampleProject(first.url);
  const b = await exampleProject(second.url);
  await Deno.writeTextFile(`${b}/marker.txt`, "this is project b\n");
  const broken = await Deno.makeTempDir({ prefix: "lao_switch_broken_" });
  await Deno.writeTextFile(`${broken}/factory.yaml`, "models: [unclosed\n");
  const home = await Deno.makeTempDir({ prefix: "lao_switch_home_" });
  try {
    const r = await laoInProcess(a, ["pilot", "--plain"], {
      env: { HOME: home },
      stdin: `/project use ${broken}\nhello\n/project use ${b}\nwhat does marker.txt say?\n/exit\n`,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Cannot switch to lao_switch_broken_\w+: /);
    assert.match(r.stdout, /Pilot: first: hello/);
    assert.match(r.stdout, /Switched to project /);
    assert.match(r.stdout, /Pilot: read: .*this is project b/);
    assert.doesNotMatch(r.stdout + r.stderr, /internal error|Failed to switch/);
  } finally {
    for (const d of [a, b, broken, home]) await Deno.remove(d, { recursive: true });
  }
});
