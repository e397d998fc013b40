import assert from "node:assert/strict";
import { captureOutput } from "../../../testing/capture_output.ts";
import { join } from "node:path";
import { main } from "../main.ts";

Deno.test("lao status names a plan file that sits in plans/ but no run has taken in yet", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lao_status_" });
  try {
    await Deno.mkdir(join(dir, "plans"));
    await Deno.writeTextFile(join(dir, "factory.yaml"), "lm_studio_base_url: http://127.0.0.1:9\n");
    await Deno.writeTextFile(join(dir, "plans", "feature.md"), "# Feature\n- do it\n");
    const json = captureOutput();
    assert.equal(await main(["status", "--json"], { cwd: dir, output: json }), 0);
    assert.deepEqual(JSON.parse(json.lines.join("\n")).unregistered, ["feature.md"]);
    const text = captureOutput();
    assert.equal(await main(["status"], { cwd: dir, output: text }), 0);
    assert.ok(text.lines.includes("  feature.md [not registered yet: lao run takes it in]"));
    assert.ok(!text.lines.some((l) => l.includes("none yet")), text.lines.join("\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
