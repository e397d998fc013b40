import assert from "node:assert/strict";
import { join } from "node:path";
import { Store } from "../store/store.ts";
import { listPlanRefusals } from "../store/plan_refusals.ts";
import { memoryPlans } from "../../testing/memory_plans.ts";
import { PlanWatcher, readPlanContent, resolvePlanPath, scanPlans } from "./intake.ts";
import { diskPlansSource } from "./plans_source.ts";

const DIR = "/nowhere/project";
const PLANS = join(DIR, "plans");

Deno.test("scanPlans() takes in plans from a plans source with no folder on disk", () => {
  const plans = memoryPlans(PLANS, {
    files: { "todo.md": "# Todo\n\n- a.js\n", "README.md": "# About\n", "notes.txt": "x" },
  });
  const store = Store.open(":memory:");
  try {
    const created = scanPlans(store, DIR, plans);
    assert.deepEqual(created.map((i) => [i.plan.filename, i.plan.workspace]), [
      ["todo.md", join(DIR, "todo")],
    ]);
    assert.deepEqual(scanPlans(store, DIR, plans), [], "the same text is taken in once");
    plans.write("todo.md", "# Todo\n\n- a.js\n- b.js\n");
    const [revision] = scanPlans(store, DIR, plans);
    assert.equal(revision?.supersedes?.id, created[0]!.plan.id, "an edit is a new revision");
  } finally {
    store.close();
  }
});

Deno.test("scanPlans() on a plans source records a binary plan and a reserved name with why", () => {
  const plans = memoryPlans(PLANS);
  plans.write("bin.md", new Uint8Array([35, 32, 0, 1]));
  plans.write("factory.md", "# not a plan\n");
  const store = Store.open(":memory:");
  try {
    assert.deepEqual(scanPlans(store, DIR, plans), []);
    const reasons = listPlanRefusals(store).map((r) => [r.filename, r.reason.split(":")[0]]);
    assert.deepEqual(reasons, [
      ["bin.md", "it contains a NUL byte (offset 2)"],
      [
        "factory.md",
        `"factory" is a reserved name (LAO's configuration); rename the file to take it in`,
      ],
    ]);
    plans.remove("bin.md");
    scanPlans(store, DIR, plans);
    assert.deepEqual(
      listPlanRefusals(store).map((r) => r.filename),
      ["factory.md"],
      "gone: forgotten",
    );
  } finally {
    store.close();
  }
});

Deno.test("readPlanContent() refuses a plan over the size limit by its listed size", () => {
  const plans = memoryPlans(PLANS);
  plans.write("big.md", new Uint8Array(17 * 1024 * 1024).fill(65));
  const content = readPlanContent(join(PLANS, "big.md"), plans);
  assert.equal(content.ok, false);
  assert.match(!content.ok ? content.reason : "", /17\.0 MB, more than the 16 MB/);
});

Deno.test("resolvePlanPath() finds a plan by stem in the plans source", () => {
  const plans = memoryPlans(PLANS, { files: { "todo.md": "# Todo\n" } });
  assert.equal(resolvePlanPath("todo", "/elsewhere", PLANS, plans), join(PLANS, "todo.md"));
  assert.throws(
    () => resolvePlanPath("nope", "/elsewhere", PLANS, plans),
    /Cannot find plan "nope"/,
  );
});

Deno.test("PlanWatcher wakes on a plan change seen through the source, not on the clock", async () => {
  const plans = memoryPlans(PLANS);
  const sleeps: number[] = [];
  // A sleep that only ends when aborted: the watcher must be woken by the change.
  const sleep = (ms: number, signal: AbortSignal) => {
    sleeps.push(ms);
    return new Promise<void>((_, reject) =>
      signal.addEventListener("abort", () => reject(signal.reason))
    );
  };
  const watcher = new PlanWatcher(plans, sleep);
  const woke = watcher.wait(60_000, new AbortController().signal);
  plans.write("new.md", "# New\n");
  await woke;
  assert.deepEqual(sleeps, [60_000]);
  await watcher.wait(60_000, new AbortController().signal);
  assert.deepEqual(sleeps, [60_000], "a change since the last clear() returns at once");
  watcher.clear();
  watcher.close();
});

Deno.test("diskPlansSource() lists the folder's .md entries with size and mtime, sorted", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lao_plans_" });
  try {
    const source = diskPlansSource(join(dir, "plans"));
    assert.deepEqual(source.list(), [], "a missing folder lists nothing");
    await source.ensure();
    await Deno.writeTextFile(join(source.dir, "b.md"), "# B\n");
    await Deno.writeTextFile(join(source.dir, "a.md"), "# A plan\n");
    await Deno.writeTextFile(join(source.dir, "c.txt"), "no");
    await Deno.mkdir(join(source.dir, "d.md"));
    const listed = source.list().map((e) => [e.name, e.isFile, e.mtimeMs > 0]);
    assert.deepEqual(listed, [["a.md", true, true], ["b.md", true, true], ["d.md", false, true]]);
    assert.deepEqual(source.list().slice(0, 2).map((e) => e.size), [9, 4]);
    assert.equal(new TextDecoder().decode(source.read(join(source.dir, "a.md"))), "# A plan\n");
    assert.equal(source.stat(join(source.dir, "gone.md")), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
