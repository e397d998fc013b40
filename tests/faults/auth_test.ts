/**
 * A key the server refuses mid-run (401 on chat, while the model listing
 * worked) stops the run at once with one line that says to check the API key:
 * no pause loop, no attempt used, no stack trace. In-process: what a process
 * adds (the exit code through `Deno.exit`, the error tier's printing) is the
 * stopped-server journey of `tests/cli_json_test.ts`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { start } from "../fake_server/server.ts";
import { exampleProject } from "../lao_process.ts";
import { laoInProcess } from "../lao_in_process.ts";
import { EXAMPLE_TASKS, KEYS, scriptedSession } from "../pipeline/scripted.ts";

for (const role of ["planner", "coder"] as const) {
  Deno.test(`a 401 on the ${role}'s chat call stops the run with the API-key fix, attempts untouched`, async () => {
    await using server = await start({ respond: scriptedSession(EXAMPLE_TASKS) });
    server.setFaults({ kind: "http_401", model: KEYS[role], sticky: true });
    const dir = await exampleProject(server.url);
    try {
      const r = await laoInProcess(dir, ["run", "--single-run", "--plain", "--sandbox", "off"]);
      assert.equal(r.code, 1, r.stderr);
      const errors = r.stderr.split("\n").filter((l) => l.startsWith("lao: "));
      assert.equal(errors.length, 1, r.stderr);
      assert.match(errors[0]!, /API key/);
      assert.doesNotMatch(r.stderr, /internal error|at .*\.ts:\d+/);
      assert.doesNotMatch(r.stdout, /pausing/);
      const status = JSON.parse((await laoInProcess(dir, ["status", "--json"])).stdout);
      assert.equal(status.failed.length, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
