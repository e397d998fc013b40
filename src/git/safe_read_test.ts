import assert from "node:assert/strict";
import { join } from "node:path";
import { readSmallFile } from "./safe_read.ts";

Deno.test("readSmallFile reads a file whole, refuses one past the cap, a link and a FIFO without blocking", async () => {
  const root = await Deno.makeTempDir({ prefix: "lao_safe_read_" });
  try {
    const text = "ref: refs/heads/main\n".repeat(300);
    await Deno.writeTextFile(join(root, "meta"), text);
    assert.deepEqual(await readSmallFile(join(root, "meta"), 1 << 20), { kind: "ok", text });
    assert.deepEqual(await readSmallFile(join(root, "meta"), text.length), { kind: "ok", text });
    assert.deepEqual(await readSmallFile(join(root, "meta"), text.length - 1), {
      kind: "bad",
      why: `is larger than ${text.length - 1} bytes`,
    });
    await Deno.writeTextFile(join(root, "empty"), "");
    assert.deepEqual(await readSmallFile(join(root, "empty"), 10), { kind: "ok", text: "" });
    await Deno.symlink(join(root, "meta"), join(root, "link"));
    assert.deepEqual(await readSmallFile(join(root, "link"), 1 << 20), {
      kind: "bad",
      why: "is a symbolic link",
    });
    const mkfifo = await new Deno.Command("sh", { args: ["-c", 'mkfifo "$0"', join(root, "fifo")] })
      .output();
    assert.ok(mkfifo.success);
    assert.deepEqual(await readSmallFile(join(root, "fifo"), 1 << 20), {
      kind: "bad",
      why: "is not a regular file",
    });
    assert.deepEqual(await readSmallFile(join(root, "missing"), 10), { kind: "missing" });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
