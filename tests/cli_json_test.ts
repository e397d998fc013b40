/**
 * `--json` before or after `run` is the same request, and a run that cannot
 * start still ends its JSON stream with a `run.failed` object (plus the
 * one-line message on stderr).
 *
 * @module
 */
import assert from "node:assert/strict";
import { exampleProject, runLao } from "./lao_process.ts";
import { laoInProcess } from "./lao_in_process.ts";

function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

// The journey in a process (nothing else may reach stdout); the other argv order in-process.
for (
  const [args, lao] of [[["run", "--json"], runLao], [["--json", "run"], laoInProcess]] as const
) {
  Deno.test(`lao ${args.join(" ")} against a stopped server ends with a run.failed JSON event`, async () => {
    const url = `http://127.0.0.1:${closedPort()}`;
    const dir = await exampleProject(url);
    try {
      const r = await lao(dir, [...args, "--single-run", "--sandbox", "off"]);
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

Deno.test("lao health against a stopped server: checks in order, the verdict last, the fix once on stderr", async () => {
  const url = `http://127.0.0.1:${closedPort()}`;
  const dir = await exampleProject(url);
  try {
    // server.kind auto: with no answer LAO cannot tell what the server is.
    await Deno.writeTextFile(`${dir}/factory.yaml`, `lm_studio_base_url: ${url}\n`);
    const text = await laoInProcess(dir, ["health"]);
    assert.equal(text.code, 1);
    const lines = text.stdout.trim().split("\n");
    assert.match(lines[0]!, /^Server .* unreachable/);
    assert.match(lines[1]!, /^planner .* not checked \(no answer from the server\)$/);
    const sandbox = lines.findIndex((l) => l.startsWith("sandbox:"));
    assert.ok(sandbox > 1, text.stdout);
    assert.equal(lines.at(-1), "Not healthy");
    assert.ok(!text.stdout.includes("Fix:"), text.stdout);
    const errors = text.stderr.split("\n").filter((l) => l.trim() !== "");
    assert.equal(errors.length, 1, text.stderr);
    const json = JSON.parse((await laoInProcess(dir, ["health", "--json"])).stdout);
    assert.equal(json.server.kind, null);
    assert.equal(json.server.kindReason, "the server did not answer");
    assert.deepEqual(json.roles.map((r: { checked: boolean }) => r.checked), [
      false,
      false,
      false,
      false,
      false,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a base URL ending in /v1 is explained, not just called unreachable", async () => {
  const url = `http://127.0.0.1:${closedPort()}/v1`;
  const dir = await exampleProject(url);
  try {
    const r = await laoInProcess(dir, ["health"]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^lao: Cannot reach the model server at http:\/\/127\.0\.0\.1:\d+\/v1: lm_studio_base_url is the server's root and LAO adds \/v1 itself; set it to http:\/\/127\.0\.0\.1:\d+$/m,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
