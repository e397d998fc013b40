import assert from "node:assert/strict";
import { join } from "node:path";
import { start } from "../../../tests/fake_server/server.ts";
import type { Output } from "../../ui/output.ts";
import { CliContext } from "../context.ts";
import { configureModelsCommand, type PickModel } from "./configure_models.ts";

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: () => {}, isTty: false, color: false };
}

Deno.test("configure-models: picking a new coder rewrites only that key, comments kept, exit 0", async () => {
  await using server = await start({});
  const dir = await Deno.makeTempDir({ prefix: "lao_cm_unit_" });
  const yaml = `# my settings\nlm_studio_base_url: ${server.url} # local box\n` +
    `models:\n  # the coder\n  coder:\n    key: qwen/qwen3-coder-30b   # fast\n`;
  await Deno.writeTextFile(join(dir, "factory.yaml"), yaml);
  const o = capture();
  const ctx = await CliContext.create({ cwd: dir, env: () => undefined, output: o }, {}, false);
  const asked: string[] = [];
  const pick: PickModel = (role, choices, current) => {
    asked.push(role);
    if (role !== "coder") return Promise.resolve(current);
    const other = choices.find((c) => c.value !== current);
    assert.ok(other, "the server lists another model");
    return Promise.resolve(other.value);
  };
  try {
    assert.equal(await configureModelsCommand(ctx, {}, pick), 0);
    assert.ok(asked.includes("coder") && asked.includes("reviewer"), asked.join(","));
    const after = await Deno.readTextFile(join(dir, "factory.yaml"));
    const changed = after.split("\n").filter((l, i) => l !== yaml.split("\n")[i]);
    assert.equal(changed.length, 1, after);
    assert.match(changed[0]!, /^ {4}key: \S+ {3}# fast$/);
    assert.doesNotMatch(changed[0]!, /qwen3-coder-30b/);
    assert.ok(o.lines.some((l) => /comments kept/.test(l)));
    const o2 = capture();
    const again = await CliContext.create(
      { cwd: dir, env: () => undefined, output: o2 },
      {},
      false,
    );
    assert.equal(await configureModelsCommand(again, {}, (_r, _c, cur) => Promise.resolve(cur)), 0);
    assert.deepEqual(o2.lines, ["No change: factory.yaml kept as it is."]);
    assert.equal(await Deno.readTextFile(join(dir, "factory.yaml")), after);
    again.close();
  } finally {
    ctx.close();
    await Deno.remove(dir, { recursive: true });
  }
});
