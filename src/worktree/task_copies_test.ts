import assert from "node:assert/strict";
import { join } from "node:path";
import { taskCopies, taskCopiesRoot } from "./task_copies.ts";
import type { Serial } from "./task_worktrees.ts";

const serial: Serial = (_ws, call) => call();

/** A config folder with a plan workspace holding `files`; statuses default to "coding". */
async function setup(files: Record<string, string>, status: Record<number, string> = {}) {
  const dir = await Deno.makeTempDir({ prefix: "lao_copies_" });
  const workspace = join(dir, "plan");
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(workspace, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(workspace, path), text);
  }
  const copies = taskCopies(dir, serial, { taskStatus: (id) => status[id] ?? "coding" });
  return {
    dir,
    plan: { stem: "plan", workspace },
    copies,
    read: (root: string, path: string) => Deno.readTextFile(join(root, path)).catch(() => null),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("task copies: each task sees the base files, never another task's writes", async () => {
  await using t = await setup({ "a.py": "A = 0\n", "pkg/b.py": "B = 0\n" });
  const one = (await t.copies.open(t.plan, 1))!;
  const two = (await t.copies.open(t.plan, 2))!;
  assert.notEqual(one, two);
  await Deno.writeTextFile(join(one, "a.py"), "A = 1\n");
  assert.equal(await t.read(two, "a.py"), "A = 0\n");
  assert.equal(await t.read(two, "pkg/b.py"), "B = 0\n");
  assert.equal(await t.read(t.plan.workspace, "a.py"), "A = 0\n", "nothing lands before approval");
  assert.equal(await t.copies.open(t.plan, 1), one, "the same copy on the next attempt");
  assert.equal(await t.read(one, "a.py"), "A = 1\n");
});

Deno.test("task copies: approval copies back made, changed and removed files; close removes the copy", async () => {
  await using t = await setup({ "a.py": "A = 0\n", "old.py": "gone\n", "keep.py": "k\n" });
  const one = (await t.copies.open(t.plan, 1))!;
  await Deno.writeTextFile(join(one, "a.py"), "A = 1\n");
  await Deno.mkdir(join(one, "new"));
  await Deno.writeTextFile(join(one, "new/n.py"), "N\n");
  await Deno.remove(join(one, "old.py"));
  assert.deepEqual(await t.copies.integrate(t.plan, 1), { ok: true, picked: 3 });
  assert.equal(await t.read(t.plan.workspace, "a.py"), "A = 1\n");
  assert.equal(await t.read(t.plan.workspace, "new/n.py"), "N\n");
  assert.equal(await t.read(t.plan.workspace, "old.py"), null);
  assert.equal(await t.read(t.plan.workspace, "keep.py"), "k\n");
  // Again (a run killed after copying back, before recording the approval): nothing to do.
  assert.deepEqual(await t.copies.integrate(t.plan, 1), { ok: true, picked: 0 });
  await t.copies.close(t.plan, 1);
  const left = await Array.fromAsync(Deno.readDir(taskCopiesRoot(t.dir)));
  assert.deepEqual(left.map((e) => e.name), []);
});

Deno.test("task copies: a file changed in the plan workspace since the copy is a conflict; the copy starts again from it", async () => {
  await using t = await setup({ "shared.py": "base\n" });
  const one = (await t.copies.open(t.plan, 1))!;
  const two = (await t.copies.open(t.plan, 2))!;
  await Deno.writeTextFile(join(one, "shared.py"), "one\n");
  await Deno.writeTextFile(join(two, "shared.py"), "two\n");
  await Deno.writeTextFile(join(two, "two.py"), "mine\n");
  assert.deepEqual(await t.copies.integrate(t.plan, 1), { ok: true, picked: 1 });
  const second = await t.copies.integrate(t.plan, 2);
  assert.equal(second.ok, false);
  assert.deepEqual(!second.ok && second.files, ["shared.py"]);
  // Nothing of task 2 was copied back, not even its file without a conflict.
  assert.equal(await t.read(t.plan.workspace, "shared.py"), "one\n");
  assert.equal(await t.read(t.plan.workspace, "two.py"), null);
  // Until the rework is recorded, the copy keeps the task's work (a crash here loses nothing).
  assert.equal(await t.read(two, "shared.py"), "two\n");
  assert.equal(await t.read(two, "two.py"), "mine\n");
  await (!second.ok && second.restart?.());
  // Then it holds the approved work, to do its change again on top of it.
  assert.equal(await t.read(two, "shared.py"), "one\n");
  await Deno.writeTextFile(join(two, "shared.py"), "one\ntwo\n");
  assert.deepEqual(await t.copies.integrate(t.plan, 2), { ok: true, picked: 1 });
  assert.equal(await t.read(t.plan.workspace, "shared.py"), "one\ntwo\n");
});

Deno.test("task copies: a link the task made is copied back as a link, never written through", async () => {
  await using t = await setup({ "a.py": "A\n" });
  const outside = join(t.dir, "outside.txt");
  await Deno.writeTextFile(outside, "secret\n");
  const one = (await t.copies.open(t.plan, 1))!;
  await Deno.symlink(outside, join(one, "link.txt"));
  // A link over a file the plan workspace has: the file is replaced by the link, not followed.
  await Deno.remove(join(one, "a.py"));
  await Deno.symlink(outside, join(one, "a.py"));
  assert.deepEqual(await t.copies.integrate(t.plan, 1), { ok: true, picked: 2 });
  assert.equal(await Deno.readLink(join(t.plan.workspace, "link.txt")), outside);
  assert.equal(await Deno.readLink(join(t.plan.workspace, "a.py")), outside);
  assert.equal(await Deno.readTextFile(outside), "secret\n");
});

Deno.test("task copies: at the first use, copies of ended tasks and half-made copies go; live ones stay", async () => {
  const status: Record<number, string> = { 1: "completed", 2: "coded", 3: "failed" };
  await using t = await setup({ "a.py": "A\n" }, status);
  // A crashed run left: task 1's copy (approved, not removed), task 2's (coded, its work there),
  // task 3's (failed) and task 4's half-made copy (no hashes recorded).
  const crashed = taskCopies(t.dir, serial, { taskStatus: () => "coding" });
  for (const id of [1, 2, 3]) await crashed.open(t.plan, id);
  const work = join(taskCopiesRoot(t.dir), "plan", "2", "a.py");
  await Deno.writeTextFile(work, "A from task 2\n");
  await Deno.mkdir(join(taskCopiesRoot(t.dir), "plan", "4"));
  await Deno.writeTextFile(join(taskCopiesRoot(t.dir), "plan", "4", "a.py"), "half\n");
  // The restart's first open sweeps.
  await t.copies.open(t.plan, 5);
  const names = (await Array.fromAsync(Deno.readDir(join(taskCopiesRoot(t.dir), "plan"))))
    .map((e) => e.name).sort();
  assert.deepEqual(names, ["2", "2.json", "5", "5.json"]);
  assert.equal(await Deno.readTextFile(work), "A from task 2\n");
  assert.equal(
    await t.read((await t.copies.open(t.plan, 2))!, "a.py"),
    "A from task 2\n",
    "task 2 carries on in its copy",
  );
});

Deno.test("task copies: a workspace over the limits is not copied (the task works in it directly)", async () => {
  await using t = await setup({ "a.py": "A\n", "b.py": "B\n" });
  const warnings: string[] = [];
  const small = taskCopies(t.dir, serial, {
    taskStatus: () => "coding",
    warn: (m) => warnings.push(m),
    limits: { entries: 1, bytes: 1024 },
  });
  assert.equal(await small.open(t.plan, 1), null);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /task #1: the plan workspace has over 1 files/);
});
