import assert from "node:assert/strict";
import { join } from "node:path";
import { recordPath } from "./layout_record.ts";
import { PendingJournal } from "./pending_journal.ts";

const input = (taskId: number) => ({ planId: "p", taskId, title: `t${taskId}`, files: ["a.py"] });

async function readJournal(layoutDir: string, ws: string): Promise<number[] | null> {
  const path = (await recordPath(layoutDir, await Deno.realPath(ws))).replace(
    /\.json$/,
    ".pending.json",
  );
  try {
    const entries = JSON.parse(await Deno.readTextFile(path)) as { input: { taskId: number } }[];
    return entries.map((e) => e.input.taskId);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

Deno.test("the journal holds each queued commit once saved, drops landed ones, and a new journal finds what is left", async () => {
  const root = await Deno.makeTempDir({ prefix: "lao_journal_" });
  try {
    const layoutDir = join(root, "layouts");
    const ws = join(root, "ws");
    await Deno.mkdir(layoutDir);
    await Deno.mkdir(ws);
    const warnings: string[] = [];
    const journal = new PendingJournal(layoutDir, ws, (m) => warnings.push(m));
    const one = journal.add({ kind: "coder", input: input(1) });
    // Changes made while a write is under way land together in the next one.
    const two = journal.add({ kind: "coder", input: input(2) });
    const dropOne = journal.drop(one.id);
    const three = journal.add({ kind: "coder", input: input(3) });
    await Promise.all([one.saved, two.saved, dropOne, three.saved]);
    assert.deepEqual(await readJournal(layoutDir, ws), [2, 3]);
    const again = new PendingJournal(layoutDir, ws, (m) => warnings.push(m));
    assert.deepEqual((await again.leftover()).map((e) => e.input.taskId), [2, 3]);
    void journal.drop(two.id);
    void journal.drop(three.id);
    await journal.flushed();
    assert.equal(await readJournal(layoutDir, ws), null);
    assert.deepEqual(warnings, []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
