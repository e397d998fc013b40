import assert from "node:assert/strict";
import { HELP_TEXT, parseSlash, SLASH_WORDS } from "./slash.ts";

Deno.test("slash commands: each word parses to its kind; aliases share one", () => {
  const kinds: [string, string][] = [
    ["/exit", "exit"],
    ["/quit", "exit"],
    ["/resume", "resume"],
    ["/continue", "resume"],
    ["/go", "resume"],
    ["/clear", "clear"],
    ["/status", "status"],
    ["/help", "help"],
    ["/gates", "gates"],
    ["/project", "project"],
  ];
  for (const [line, kind] of kinds) assert.equal(parseSlash(line)?.kind, kind, line);
  assert.deepEqual([...SLASH_WORDS].sort(), kinds.map(([w]) => w).sort());
  assert.deepEqual(parseSlash("/project"), { kind: "project", sub: "list" });
  assert.deepEqual(parseSlash("/project use my app"), {
    kind: "project",
    sub: "use",
    arg: "my app",
  });
  assert.deepEqual(parseSlash("/project scan"), { kind: "project", sub: "scan" });
  assert.deepEqual(parseSlash("/project status shop"), {
    kind: "project",
    sub: "status",
    arg: "shop",
  });
});

Deno.test("only the exact words are commands: paths, unknown /words, a lone / and plain text are chat", () => {
  for (
    const line of [
      "/foobar",
      "/Users/me/app",
      "/tmp/x",
      "/",
      "hello",
      "exit",
      "/exit-now",
      "/statusx",
    ]
  ) assert.equal(parseSlash(line), null, line);
});

Deno.test("/help mentions /status and /resume", () => {
  assert.match(HELP_TEXT, /\/status/);
  assert.match(HELP_TEXT, /\/resume/);
});
