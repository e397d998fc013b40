import assert from "node:assert/strict";
import { python3BatchChecker } from "./python_check.ts";
import { PythonCheckServer } from "./python_server.ts";

const hasPython = await new Deno.Command("python3", {
  args: ["--version"],
  stdout: "null",
  stderr: "null",
}).output().then((o) => o.success, () => false);

Deno.test({
  name: "PythonCheckServer answers like the one-shot checker, request after request",
  ignore: !hasPython,
  fn: async () => {
    await using server = new PythonCheckServer();
    server.start();
    assert.equal(server.running, true);
    const stamp = crypto.randomUUID();
    const files = [
      { path: "ok.py", content: `# ${stamp}\nx = 1\n` },
      { path: "bad.py", content: `# ${stamp}\ndef f(:\n    pass\n` },
      { path: "uni.py", content: `# ${stamp}\ns = "caf\u00e9 \u{1F600}"\n` },
      { path: "ret.py", content: `# ${stamp}\nreturn 1\n` },
    ];
    const first = await server.check(files.slice(0, 2));
    const rest = await Promise.all(files.slice(2).map((f) => server.check([f])));
    const viaServer = [...first, ...rest.flat()];
    assert.deepEqual(viaServer.map((r) => r.kind), ["ok", "error", "ok", "error"]);
    assert.equal(server.running, true);
    const other = files.map((f) => ({ ...f, content: f.content.replace(stamp, `${stamp}!`) }));
    assert.deepEqual(await python3BatchChecker(other), viaServer);
  },
});

Deno.test({
  name: "PythonCheckServer checks one-shot once closed, and when its interpreter cannot start",
  ignore: !hasPython,
  fn: async () => {
    const closed = new PythonCheckServer();
    closed.start();
    await closed.close();
    assert.equal(closed.running, false);
    const body = `# ${crypto.randomUUID()}\ndef g(:\n`;
    assert.equal((await closed.check([{ path: "a.py", content: body }]))[0]?.kind, "error");

    const missing = new PythonCheckServer("/nonexistent/python3");
    missing.start();
    assert.equal(missing.running, false);
    const ok = `# ${crypto.randomUUID()}\nprint(1)\n`;
    assert.deepEqual(await missing.check([{ path: "b.py", content: ok }]), [{ kind: "ok" }]);
  },
});

Deno.test({
  name: "PythonCheckServer starts no interpreter until the first Python check, then keeps it",
  ignore: !hasPython,
  fn: async () => {
    await using server = new PythonCheckServer();
    assert.equal(server.running, false);
    const body = `# ${crypto.randomUUID()}\ndef h(:\n`;
    assert.equal((await server.check([{ path: "c.py", content: body }]))[0]?.kind, "error");
    assert.equal(server.running, true);
    await server.close();
    await server.check([{ path: "d.py", content: `# ${crypto.randomUUID()}\nx = 2\n` }]);
    assert.equal(server.running, false);
  },
});
