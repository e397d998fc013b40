/**
 * The fast path (`src/cli/fast_path.ts`) and the full CLI print the same
 * stdout and stderr and exit with the same code for the same argv, in the
 * folders a user has: no project, a fresh `lao init`, a database, a config
 * with a problem. Where the fast path steps aside it returns undefined and
 * `main.ts` runs the full CLI.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../src/cli/main.ts";
import { fastPath } from "../src/cli/fast_path.ts";
import { Store } from "../src/store/store.ts";
import { memoryOutput } from "../src/ui/output.ts";

type Folder = "empty" | "init" | "database" | "unknown key" | "bad value" | "anchors";

async function makeFolder(kind: Folder): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "lao_fast_" });
  const env = () => undefined;
  if (kind !== "empty") {
    const code = await main(["init", "--no-interactive"], {
      cwd: dir,
      env,
      output: memoryOutput(),
    });
    assert.equal(code, 0);
  }
  const yaml = join(dir, "factory.yaml");
  if (kind === "database") {
    Store.open(join(dir, ".lao", "state.db")).close();
    await Deno.writeTextFile(join(dir, "plans", "todo.md"), "# Todo\n\n## Task 1: a\n\nDo a.\n");
  }
  if (kind === "unknown key") await Deno.writeTextFile(yaml, "colour: blue\n", { append: true });
  if (kind === "bad value") {
    await Deno.writeTextFile(yaml, "total_ram_gb: lots\n", { append: true });
  }
  if (kind === "anchors") await Deno.writeTextFile(yaml, "x-base: &b 1\ntotal_ram_gb: *b\n");
  return dir;
}

const ARGV: string[][] = [
  ["status"],
  ["status", "--json"],
  ["--json", "status"],
  ["version"],
  ["version", "--json"],
  ["--json", "version"],
  ["status", "--help"],
  ["status", "--plain"],
  ["status", "--json", "--json"],
  ["status", "extra"],
  ["statu"],
  ["--db", "other.db", "status"],
];

const VERSION_FORMS = ["version", "version --json", "--json version"];
const STATUS_FORMS = ["status", "status --json", "--json status"];

/** Folders and the argv the fast path must answer itself there (the rest it leaves to the CLI). */
const ANSWERS: Record<Folder, string[]> = {
  empty: [...STATUS_FORMS, ...VERSION_FORMS],
  init: [...STATUS_FORMS, ...VERSION_FORMS],
  database: [...STATUS_FORMS, ...VERSION_FORMS],
  "unknown key": VERSION_FORMS,
  "bad value": VERSION_FORMS,
  anchors: VERSION_FORMS,
};

for (const folder of Object.keys(ANSWERS) as Folder[]) {
  Deno.test(`fast path and full CLI agree on every argv (${folder})`, async () => {
    const dir = await makeFolder(folder);
    try {
      for (const argv of ARGV) {
        const env = (name: string) => (name === "HOME" ? "/nonexistent-home" : undefined);
        const fastOut = memoryOutput();
        const fast = await fastPath(argv, { cwd: dir, env, output: fastOut });
        const label = `${folder}: lao ${argv.join(" ")}`;
        assert.equal(fast !== undefined, ANSWERS[folder].includes(argv.join(" ")), label);
        if (fast === undefined) continue;
        const fullOut = memoryOutput();
        const full = await main(argv, { cwd: dir, env, output: fullOut });
        assert.deepEqual(
          { code: fast, stdout: fastOut.stdout, stderr: fastOut.stderr },
          { code: full, stdout: fullOut.stdout, stderr: fullOut.stderr },
          label,
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("the fast path steps aside in the filesystem root and the home folder", async () => {
  const out = memoryOutput();
  assert.equal(
    await fastPath(["status"], { cwd: "/", env: () => undefined, output: out }),
    undefined,
  );
  const home = (name: string) => (name === "HOME" ? "/tmp" : undefined);
  assert.equal(await fastPath(["version"], { cwd: "/tmp/", env: home, output: out }), undefined);
  assert.deepEqual([out.stdout, out.stderr], [[], []]);
});
