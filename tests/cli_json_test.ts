/**
 * `--json` before or after `run` is the same request, and a run that cannot
 * start still ends its JSON stream with a `run.failed` object (plus the
 * one-line message on stderr).
 *
 * @module
 */
import assert from "node:assert/strict";
import { exampleProject, runLao } from "./lao_process.ts";

function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

for (const args of [["run", "--json"], ["--json", "run"]]) {
  Deno.test(`lao ${args.join(" ")} against a stopped server ends with a run.failed JSON event`, async () => {
    const url = `http://127.0.0.1:${closedPort()}`;
    const dir = await exampleProject(url);
    try {
      const r = await runLao(dir, [...args, "--single-run", "--sandbox", "off"]);
      assert.equal(r.code, 1, r.stderr);
      const last = r.stdout.trim().split("\n").at(-1) ?? "";
      const event = JSON.parse(last);
      assert.equal(event.type, "run.failed");
      assert.equal(event.v, 1);
      assert.equal(event.exitCode, 1);
      assert.match(event.message, /Cannot reach the model server/);
      assert.match(r.stderr, /^lao: Cannot reach the model server/m);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
