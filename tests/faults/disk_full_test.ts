/**
 * A full disk, for real: a small tmpfs is mounted (root only; the test says
 * why and skips itself when mounting is not permitted), a project lives on
 * it, the disk is filled, and LAO must say "Disk full" in one line with exit
 * 73, lose nothing, and complete once space is freed. The classifier itself
 * is covered by an injected ENOSPC in src/store/storage_faults_test.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ExitCode } from "../../src/errors.ts";
import { Store } from "../../src/store/store.ts";
import { inTemp, lao, oneLine } from "./cli_harness.ts";

async function sh(script: string): Promise<{ ok: boolean; stderr: string }> {
  const out = await new Deno.Command("sh", {
    args: ["-c", script],
    stderr: "piped",
    stdout: "null",
  })
    .output();
  return { ok: out.success, stderr: new TextDecoder().decode(out.stderr).trim() };
}

/** Writes until the disk is full. */
async function fill(path: string): Promise<void> {
  const block = new Uint8Array(64 * 1024).fill(7);
  const file = await Deno.open(path, { write: true, create: true });
  try {
    for (let i = 0; i < 100_000; i++) await file.write(block);
    assert.fail("the disk never filled");
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    // ENOSPC: full
  } finally {
    file.close();
  }
  // Small writes fill the last partial block.
  for (let i = 0; i < 64; i++) {
    try {
      await Deno.writeFile(`${path}.${i}`, new Uint8Array(512).fill(1));
    } catch {
      break;
    }
  }
}

Deno.test("disk full: one line, exit 73, nothing lost, and the command completes once space is freed", async () => {
  await inTemp(async (dir) => {
    const mnt = join(dir, "mnt");
    await Deno.mkdir(mnt);
    const mount = await sh(`mount -t tmpfs -o size=3m tmpfs '${mnt}'`);
    if (!mount.ok) {
      console.log(`skipped: mounting a tmpfs is not permitted here (${mount.stderr})`);
      return;
    }
    let holder: DatabaseSync | undefined;
    try {
      await Deno.writeTextFile(join(mnt, "factory.yaml"), "git:\n  enabled: false\n");
      const db = join(mnt, ".lao", "state.db");
      const store = Store.open(db);
      const { plan } = store.registerPlan({ filename: "a.md", stem: "a", text: "# A\n- x\n" });
      store.insertTasks(
        plan.id,
        [1, 2, 3].map((i) => ({ title: `t${i}`, description: "d", file_paths: [], dependsOn: [] })),
        3,
      );
      store.db.exec(`UPDATE tasks SET status = 'failed', escalation_reason = 'max_attempts'`);
      store.close();
      // An open connection keeps the shared-memory file allocated while the disk is full.
      holder = new DatabaseSync(db);
      holder.prepare("SELECT count(*) FROM tasks").get();

      await Deno.mkdir(join(mnt, "fresh"));
      await Deno.mkdir(join(mnt, "forced"));
      await Deno.writeTextFile(join(mnt, "forced", "factory.yaml"), "# mine\n");
      await fill(join(mnt, "filler"));

      const full = await lao(mnt, ["retry-failed"]);
      const line = oneLine(full);
      assert.equal(full.code, ExitCode.DiskFull, line);
      assert.match(
        line,
        /^lao: Disk full: cannot write .*state\.db: free space and run lao run again/,
      );

      const init = await lao(join(mnt, "fresh"), ["init", "--no-interactive"]);
      assert.equal(init.code, ExitCode.DiskFull, init.stderr.join("\n"));
      assert.match(oneLine(init), /^lao: Disk full: cannot write /);
      // --force over an existing factory.yaml on a full disk keeps the old file whole.
      const forced = await lao(join(mnt, "forced"), ["init", "--no-interactive", "--force"]);
      assert.equal(forced.code, ExitCode.DiskFull, forced.stderr.join("\n"));
      assert.equal(await Deno.readTextFile(join(mnt, "forced", "factory.yaml")), "# mine\n");

      // Nothing lost: the tasks are still failed, and with space back the command completes.
      for await (const e of Deno.readDir(mnt)) {
        if (e.name.startsWith("filler")) await Deno.remove(join(mnt, e.name));
      }
      const count = holder.prepare(`SELECT count(*) AS n FROM tasks WHERE status = 'failed'`)
        .get() as { n: number };
      assert.equal(count.n, 3);
      const retry = await lao(mnt, ["retry-failed"]);
      assert.equal(retry.code, 0, retry.stderr.join("\n"));
      assert.deepEqual(retry.stdout, ["Reset 3 failed tasks to pending."]);
    } finally {
      holder?.close();
      await sh(`umount '${mnt}'`);
    }
  });
});
