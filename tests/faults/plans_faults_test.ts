import assert from "node:assert/strict";
import { join } from "node:path";
import type { LaoEvent } from "../../src/events/types.ts";
import { scanPlans } from "../../src/pipeline/intake.ts";
import { listPlanRefusals } from "../../src/store/plan_refusals.ts";
import { Store } from "../../src/store/store.ts";
import { inTemp, lao, oneLine } from "./cli_harness.ts";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49]);

async function project(dir: string) {
  await Deno.writeTextFile(join(dir, "factory.yaml"), "git:\n  enabled: false\n");
  const plans = join(dir, "plans");
  await Deno.mkdir(plans, { recursive: true });
  const events: LaoEvent[] = [];
  const store = Store.open(join(dir, ".lao", "state.db"), { emit: (e) => events.push(e) });
  const warnings = () =>
    events.filter((e) => e.type === "log" && e.level === "warn").map((e) =>
      e.type === "log" ? e.message : ""
    );
  return { plans, store, warnings };
}

Deno.test("binary, non-UTF-8, empty, reserved and duplicate plan files: one warning each, a status with the reason", async () => {
  await inTemp(async (dir) => {
    const { plans, store, warnings } = await project(dir);
    await Deno.writeFile(join(plans, "image.md"), PNG);
    await Deno.writeFile(
      join(plans, "latin1.md"),
      new Uint8Array([...new TextEncoder().encode("# Caf"), 0xe9, 10]),
    );
    await Deno.writeTextFile(join(plans, "empty.md"), "  \n\n");
    await Deno.writeTextFile(join(plans, "factory.md"), "# not a plan\n");
    await Deno.writeTextFile(join(plans, "README.md"), "# how to write plans\n");
    await Deno.writeTextFile(join(plans, "a.md"), "# A\n- one\n");
    await Deno.writeTextFile(join(plans, "b.md"), "# A\n- one\n");

    const created = scanPlans(store, dir, plans);
    assert.deepEqual(created.map((c) => c.plan.filename), ["a.md"]);
    const first = warnings();
    assert.equal(first.length, 5, first.join("\n"));
    assert.match(first.find((w) => w.startsWith("image.md"))!, /NUL byte.*looks binary/);
    assert.match(
      first.find((w) => w.startsWith("latin1.md"))!,
      /not UTF-8 text \(invalid byte at offset 5, line 1\)/,
    );
    assert.match(first.find((w) => w.startsWith("empty.md"))!, /the file is empty/);
    assert.match(first.find((w) => w.startsWith("factory.md"))!, /reserved name/);
    assert.match(first.find((w) => w.startsWith("b.md"))!, /the same text as a\.md/);
    // deno-lint-ignore no-control-regex
    for (const w of first) assert.ok(!w.includes("\n") && !/[\u0000-\u0008]/.test(w), w);

    // The next scans say nothing new.
    scanPlans(store, dir, plans);
    scanPlans(store, dir, plans);
    assert.equal(warnings().length, 5);
    store.close();

    const json = await lao(dir, ["status", "--json"]);
    assert.equal(json.code, 0, json.stderr.join("\n"));
    const doc = JSON.parse(json.stdout.join("\n"));
    assert.deepEqual(
      doc.refused.map((r: { file: string }) => r.file),
      ["b.md", "empty.md", "factory.md", "image.md", "latin1.md"],
    );
    assert.deepEqual(doc.unregistered, []);
    const text = (await lao(dir, ["status"])).stdout.join("\n");
    assert.match(text, /image\.md \[refused: it contains a NUL byte/);
    // deno-lint-ignore no-control-regex
    assert.ok(!/[\u0000-\u0008\u001b]/.test(text));
  });
});

Deno.test("a refused plan that is fixed is taken in and its refusal forgotten", async () => {
  await inTemp(async (dir) => {
    const { plans, store, warnings } = await project(dir);
    await Deno.writeFile(join(plans, "api.md"), PNG);
    assert.deepEqual(scanPlans(store, dir, plans), []);
    assert.equal(listPlanRefusals(store).length, 1);
    await Deno.writeTextFile(join(plans, "api.md"), "# API\n- endpoint\n");
    assert.equal(scanPlans(store, dir, plans).length, 1);
    assert.deepEqual(listPlanRefusals(store), []);
    // Broken again: one new warning, and the registered plan keeps its text.
    await Deno.writeFile(join(plans, "api.md"), PNG);
    scanPlans(store, dir, plans);
    assert.equal(warnings().length, 2);
    await Deno.remove(join(plans, "api.md"));
    scanPlans(store, dir, plans);
    assert.deepEqual(listPlanRefusals(store), []);
    store.close();
  });
});

Deno.test("a plan whose workspace would hold LAO's database is refused", async () => {
  await inTemp(async (dir) => {
    const plans = join(dir, "plans");
    await Deno.mkdir(plans, { recursive: true });
    const store = Store.open(join(dir, "data", "state.db"));
    await Deno.writeTextFile(join(plans, "data.md"), "# Data\n- import\n");
    assert.deepEqual(scanPlans(store, dir, plans), []);
    assert.match(
      listPlanRefusals(store)[0]!.reason,
      /workspace .*data\/ would contain LAO's database/,
    );
    store.close();
  });
});

Deno.test("preflight refuses a binary plan in one line and never prints its bytes", async () => {
  await inTemp(async (dir) => {
    await Deno.writeTextFile(join(dir, "factory.yaml"), "lm_studio_base_url: http://127.0.0.1:9\n");
    await Deno.mkdir(join(dir, "plans"));
    await Deno.writeFile(join(dir, "plans", "bin.md"), PNG);
    const r = await lao(dir, ["preflight", "--plan", "bin"]);
    assert.equal(r.code, 2);
    assert.match(oneLine(r), /^lao: Cannot use plan "bin\.md": it contains a NUL byte/);
    // deno-lint-ignore no-control-regex
    assert.ok(!/[\u0000-\u0008\u001a]/.test([...r.stdout, ...r.stderr].join("")));
  });
});

Deno.test("preflight on a 2 MB plan with a 5 KB line of '>' and 1,000 headings reports its chunks", async () => {
  await inTemp(async (dir) => {
    await Deno.writeTextFile(join(dir, "factory.yaml"), "lm_studio_base_url: http://127.0.0.1:9\n");
    await Deno.mkdir(join(dir, "plans"));
    const headings = Array.from({ length: 1000 }, (_, i) => `## Part ${i}\nDo part ${i}.`);
    const bullet = "- Implement the parser for the config module and add tests for it\n";
    const plan = ["# Big", ">".repeat(5000), ...headings, bullet.repeat(31_000)].join("\n");
    assert.ok(plan.length > 2_000_000);
    await Deno.writeTextFile(join(dir, "plans", "big.md"), plan);
    const r = await lao(dir, ["preflight", "--plan", "big", "--json"]);
    assert.equal(r.code, 0, r.stderr.join("\n"));
    const doc = JSON.parse(r.stdout.join("\n"));
    assert.equal(doc.fit, false);
    assert.ok(doc.chunk_count > 10);
    assert.ok(doc.estimated_prompt_tokens > plan.length / 8);
  });
});
