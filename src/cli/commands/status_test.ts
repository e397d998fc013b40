import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../main.ts";
import type { Output } from "../../ui/output.ts";

function capture(): Output & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    isTty: false,
    color: false,
  };
}

Deno.test("lao status names a plan file that sits in plans/ but no run has taken in yet", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lao_status_" });
  try {
    await Deno.mkdir(join(dir, "plans"));
    await Deno.writeTextFile(join(dir, "factory.yaml"), "lm_studio_base_url: http://127.0.0.1:9\n");
    await Deno.writeTextFile(join(dir, "plans", "feature.md"), "# Feature\n- do it\n");
    const json = capture();
    assert.equal(await main(["status", "--json"], { cwd: dir, output: json }), 0);
    assert.deepEqual(JSON.parse(json.lines.join("\n")).unregistered, ["feature.md"]);
    const text = capture();
    assert.equal(await main(["status"], { cwd: dir, output: text }), 0);
    assert.ok(text.lines.includes("  feature.md [not registered yet: lao run takes it in]"));
    assert.ok(!text.lines.some((l) => l.includes("none yet")), text.lines.join("\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
