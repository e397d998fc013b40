import assert from "node:assert/strict";
import { join } from "node:path";
import { headFromFiles } from "./head_file.ts";

const SHA = "0123456789abcdef0123456789abcdef01234567";

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "lao_head_" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(dir, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(dir, path), text);
  }
  return dir;
}

Deno.test("headFromFiles() reads a detached HEAD and a branch's loose ref", async () => {
  const detached = await repo({ HEAD: `${SHA}\n` });
  const branch = await repo({ HEAD: "ref: refs/heads/main\n", "refs/heads/main": `${SHA}\n` });
  try {
    assert.equal(await headFromFiles({ gitDir: detached, commonDir: detached }), SHA);
    assert.equal(await headFromFiles({ gitDir: branch, commonDir: branch }), SHA);
  } finally {
    await Deno.remove(detached, { recursive: true });
    await Deno.remove(branch, { recursive: true });
  }
});

Deno.test("headFromFiles() leaves packed refs, unborn branches and odd names to git", async () => {
  const packed = await repo({
    HEAD: "ref: refs/heads/main\n",
    "packed-refs": `${SHA} refs/heads/main\n`,
  });
  const odd = await repo({ HEAD: "ref: refs/heads/../../x\n", x: `${SHA}\n` });
  try {
    assert.equal(await headFromFiles({ gitDir: packed, commonDir: packed }), null);
    assert.equal(await headFromFiles({ gitDir: odd, commonDir: odd }), null);
  } finally {
    await Deno.remove(packed, { recursive: true });
    await Deno.remove(odd, { recursive: true });
  }
});
