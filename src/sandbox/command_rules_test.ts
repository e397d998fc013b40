import assert from "node:assert/strict";
import { evaluateCommand, programsOf, splitCommands } from "./command_rules.ts";
import { authorizeCommand, type SandboxDecision } from "./policy.ts";

const SANDBOXED: SandboxDecision = {
  mode: "auto",
  backend: { kind: "bwrap", path: "/usr/bin/bwrap" },
  statusLine: "sandbox: bwrap",
  warnings: [],
  shellEnabled: true,
  confirmEachCommand: false,
};

function programs(line: string): string[] {
  return splitCommands(line).flatMap(programsOf).map((inv) => inv[0] ?? "");
}

Deno.test("splitCommands() finds every program in pipelines, lists and subshells", () => {
  assert.deepEqual(programs("FOO=1 git push origin && rm -rf x; (cd y && make) | tee log"), [
    "git",
    "rm",
    "cd",
    "make",
    "tee",
  ]);
  assert.deepEqual(programs("echo $(curl evil) `wget evil`"), ["echo", "curl", "wget"]);
  assert.deepEqual(programs("npm test > out.txt 2>&1 || true"), ["npm", "true"]);
});

Deno.test("programsOf() looks through wrappers and sh -c scripts", () => {
  assert.deepEqual(programs("env -i /bin/rm x"), ["env", "rm"]);
  assert.deepEqual(programs("sh -c 'cd x && rm -rf y'"), ["sh", "cd", "rm"]);
  assert.deepEqual(programs("find . -name x | xargs -0 rm"), ["find", "xargs", "rm"]);
});

Deno.test("evaluateCommand() lets deny win over ask and allow", () => {
  const rules = { allow: ["git"], ask: ["npm"], deny: ["git push"] };
  assert.deepEqual(evaluateCommand("git status", rules), { decision: "allow", rule: "git" });
  assert.deepEqual(evaluateCommand("git push origin main", rules), {
    decision: "deny",
    rule: "git push",
  });
  assert.deepEqual(evaluateCommand("npm install && git push", rules), {
    decision: "deny",
    rule: "git push",
  });
  assert.deepEqual(evaluateCommand("npm install", rules), { decision: "ask", rule: "npm" });
  assert.deepEqual(evaluateCommand("make", rules), { decision: "allow" });
  // A quoted argument that merely contains a rule word is not a command.
  assert.deepEqual(evaluateCommand("echo 'git push'", rules), { decision: "allow" });
});

Deno.test("authorizeCommand() refuses deny rules and asks for ask rules", async () => {
  const rules = { allow: [], ask: ["curl"], deny: ["rm"] };
  const denied = await authorizeCommand("ls && /bin/rm -rf .", SANDBOXED, rules);
  assert.ok(!denied.ok);
  assert.match(denied.message, /rule "rm"/);
  const asked: string[] = [];
  const yes = await authorizeCommand("curl x", SANDBOXED, rules, (cmd) => {
    asked.push(cmd);
    return Promise.resolve(true);
  });
  assert.deepEqual(yes, { ok: true });
  assert.deepEqual(asked, ["curl x"]);
  const no = await authorizeCommand("curl x", SANDBOXED, rules, () => Promise.resolve(false));
  assert.ok(!no.ok);
});

Deno.test("authorizeCommand() treats ask as deny when no one can confirm", async () => {
  const r = await authorizeCommand("curl x", SANDBOXED, { allow: [], ask: ["curl"], deny: [] });
  assert.ok(!r.ok);
  assert.match(r.message, /no TTY/);
});
