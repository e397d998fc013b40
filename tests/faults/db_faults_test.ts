import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ExitCode } from "../../src/errors.ts";
import { Store } from "../../src/store/store.ts";
import { inTemp, lao, oneLine } from "./cli_harness.ts";

/** A project with a real state database holding one plan. */
async function project(dir: string): Promise<string> {
  await Deno.writeTextFile(join(dir, "factory.yaml"), "git:\n  enabled: false\n");
  const db = join(dir, ".lao", "state.db");
  const store = Store.open(db);
  store.registerPlan({ filename: "a.md", stem: "a", text: "# A\n- one\n" });
  // Enough rows for several pages, so that damage past the header is found.
  for (let i = 0; i < 200; i++) {
    store.recordLlmCall({
      role: "coder",
      model: "m",
      promptTokens: i,
      completionTokens: 1,
      seconds: 0.1,
      success: true,
    } as never);
  }
  store.close();
  // Fold the WAL into the main file so that byte surgery below hits the real data.
  const raw = new DatabaseSync(db);
  raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  raw.close();
  return db;
}

const cases: [string, (db: string) => Promise<void>, RegExp][] = [
  [
    "not SQLite",
    (db) => Deno.writeTextFile(db, "this is a text file, not a database\n".repeat(50)),
    /is not an SQLite database; move it aside/,
  ],
  [
    "truncated",
    async (db) => {
      const bytes = await Deno.readFile(db);
      await Deno.writeFile(db, bytes.subarray(0, 60));
    },
    /damaged or truncated .*move it aside/,
  ],
  [
    "damaged",
    async (db) => {
      const bytes = await Deno.readFile(db);
      bytes.fill(0x41, 100, 4096);
      await Deno.writeFile(db, bytes);
    },
    /damaged or truncated/,
  ],
];

for (const [name, damage, expected] of cases) {
  Deno.test(`a ${name} state database is one line naming the file, exit ${ExitCode.Database}`, async () => {
    await inTemp(async (dir) => {
      const db = await project(dir);
      for (const f of [db + "-wal", db + "-shm"]) await Deno.remove(f).catch(() => {});
      await damage(db);
      for (const args of [["status"], ["retry-failed"], ["status", "--json"]]) {
        const r = await lao(dir, args);
        const line = oneLine(r);
        assert.equal(r.code, ExitCode.Database, line);
        assert.ok(line.includes(db), line);
        assert.match(line, expected);
      }
    });
  });
}

Deno.test("a state database locked by another program is one line saying so", async () => {
  await inTemp(async (dir) => {
    const db = await project(dir);
    const holder = new DatabaseSync(db);
    holder.exec("PRAGMA busy_timeout = 0");
    // What a sqlite3 shell or a backup tool can do: no other connection may even read.
    holder.exec("PRAGMA locking_mode = EXCLUSIVE");
    holder.exec("BEGIN EXCLUSIVE");
    holder.exec("DELETE FROM llm_calls WHERE id = 1");
    try {
      // Opening waits for the busy timeout; a short one keeps the test quick.
      const { openDatabase } = await import("../../src/store/db.ts");
      let message = "";
      try {
        openDatabase(db, { busyTimeoutMs: 50 });
      } catch (err) {
        message = (err as Error).message;
        assert.equal((err as { exitCode?: number }).exitCode, ExitCode.Database);
      }
      assert.match(message, /another program holds a lock on it .*close it/);
      assert.ok(message.includes(db));
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
  });
});

/** False when this user writes read-only files anyway (root). */
function readOnlyHolds(): boolean {
  const probe = Deno.makeTempFileSync();
  Deno.chmodSync(probe, 0o444);
  try {
    Deno.writeTextFileSync(probe, "x");
    return false;
  } catch {
    return true;
  } finally {
    Deno.removeSync(probe);
  }
}

Deno.test("a read-only state database is one line saying so", {
  ignore: !readOnlyHolds(), // as root the file stays writable: see the unit test of the classifier
}, async () => {
  await inTemp(async (dir) => {
    const db = await project(dir);
    await Deno.chmod(db, 0o444);
    await Deno.chmod(join(dir, ".lao"), 0o555);
    try {
      const r = await lao(dir, ["retry-failed"]);
      const line = oneLine(r);
      assert.equal(r.code, ExitCode.Database);
      assert.match(line, /read-only|cannot be opened/);
    } finally {
      await Deno.chmod(join(dir, ".lao"), 0o755);
    }
  });
});

Deno.test("a state database path that is a folder is one line", async () => {
  await inTemp(async (dir) => {
    await Deno.writeTextFile(join(dir, "factory.yaml"), "");
    await Deno.mkdir(join(dir, ".lao", "state.db"), { recursive: true });
    const r = await lao(dir, ["retry-failed"]);
    assert.equal(r.code, ExitCode.Database);
    assert.match(oneLine(r), /state\.db: it is not a file/);
  });
});

Deno.test("read-or-repair commands refuse to create a database where no project is", async () => {
  await inTemp(async (dir) => {
    for (const args of [["retry-failed"], ["reset-failed"], ["undo", "1"], ["log"]]) {
      const r = await lao(dir, args);
      const line = oneLine(r);
      assert.equal(r.code, 2, `${args}: ${line} ${r.stderr}`);
      assert.match(line, /not a LAO project: run lao init/, args.join(" "));
    }
    // status and report show that there is nothing yet; they open no database either.
    assert.equal((await lao(dir, ["status", "--json"])).code, 0);
    oneLine(await lao(dir, ["report"]));
    assert.ok(!existsSync(join(dir, ".lao")), ".lao/ was created");
  });
});
