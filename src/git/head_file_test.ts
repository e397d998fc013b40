import assert from "node:assert/strict";
import { join } from "node:path";
import { headFromFiles } from "./head_file.ts";

const SHA = "0123456789abcdef0123456789abcdef01234567";

/** A temporary git folder holding `files`, removed on dispose; `head()` reads its HEAD. */
async function gitDir(files: Record<string, string>) {
  const dir = await Deno.makeTempDir({ prefix: "lao_head_" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(dir, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(dir, path), text);
  }
  return {
    head: () => headFromFiles({ gitDir: dir, commonDir: dir }),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("headFromFiles() reads a detached HEAD and a branch's loose ref", async () => {
  await using detached = await gitDir({ HEAD: `${SHA}\n` });
  await using branch = await gitDir({
    HEAD: "ref: refs/heads/main\n",
    "refs/heads/main": `${SHA}\n`,
  });
  assert.equal(await detached.head(), SHA);
  assert.equal(await branch.head(), SHA);
});

Deno.test("headFromFiles() leaves packed refs, unborn branches and odd names to git", async () => {
  await using packed = await gitDir({
    HEAD: "ref: refs/heads/main\n",
    "packed-refs": `${SHA} refs/heads/main\n`,
  });
  await using unborn = await gitDir({ HEAD: "ref: refs/heads/main\n" });
  await using odd = await gitDir({ HEAD: "ref: refs/heads/../../x\n", x: `${SHA}\n` });
  assert.equal(await packed.head(), null);
  assert.equal(await unborn.head(), null);
  assert.equal(await odd.head(), null);
});
