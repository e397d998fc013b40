import assert from "node:assert/strict";
import { join } from "node:path";
import { defaultConfig } from "./defaults.ts";
import { loadConfig } from "./load.ts";
import { loadConfigQuick, sameData } from "./load_quick.ts";
import { configSchema } from "./schema.ts";

Deno.test("the defaults pass the schema unchanged (so the fast loader may skip the schema for them)", () => {
  const defaults = defaultConfig("/tmp/project");
  const parsed = configSchema.parse(structuredClone(defaults));
  assert.deepEqual(parsed, defaults);
  assert.ok(sameData(parsed, defaults));
});

Deno.test("sameData compares JSON-like data by value", () => {
  assert.ok(sameData({ a: [1, { b: null }], c: "x" }, { c: "x", a: [1, { b: null }] }));
  assert.ok(!sameData({ a: [1] }, { a: [1, 2] }));
  assert.ok(!sameData({ a: 1 }, { a: 1, b: undefined }));
  assert.ok(!sameData({ a: [] }, { a: {} }));
  assert.ok(!sameData({ a: "1" }, { a: 1 }));
});

Deno.test("the fast loader gives what loadConfig gives, or steps aside", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lao_quick_" });
  try {
    const cases: [string, boolean][] = [
      ["", true], // no file beyond an empty one
      ["orchestration:\n  max_task_attempts: 5\n", true], // differs from the defaults: schema-checked
      ["orchestration:\n  max_task_attempts: -5\n", false], // invalid: the full loader words it
      ["colour: blue\n", false], // unknown key: a warning
      ["a: &x 1\n", false], // not plain YAML
    ];
    for (const [text, answers] of cases) {
      await Deno.writeTextFile(join(dir, "factory.yaml"), text);
      const opts = { cwd: dir, env: () => undefined };
      const quick = await loadConfigQuick(opts);
      assert.equal(quick !== undefined, answers, text);
      if (quick) assert.deepEqual(quick, loadConfig(opts), text);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
