import assert from "node:assert/strict";
import { memoryFs } from "../../testing/memory_fs.ts";
import { BEFORE_FILE_CAP, recordingFs } from "./change_tracker.ts";

Deno.test("recordingFs().track() diffs a shell-modified file against its content before the first command", async () => {
  const inner = memoryFs({ "a.txt": "one\n", "keep.txt": "same\n" });
  const fs = recordingFs(inner);
  const first = await fs.track(() => inner.writeText("a.txt", "one two\n"));
  const second = await fs.track(() => inner.writeText("a.txt", "one two three\n"));
  assert.deepEqual([first.changed, second.changed], [["a.txt"], ["a.txt"]]);
  const diff = await fs.diff(first.changed);
  assert.match(diff, /^--- a\/a\.txt/m);
  assert.match(diff, /^-one$/m);
  assert.match(diff, /^\+one two three$/m);
});

Deno.test("recordingFs().track() reports a file a shell command creates as new", async () => {
  const inner = memoryFs({});
  const fs = recordingFs(inner);
  const { result, changed } = await fs.track(async () => {
    await inner.writeText("new.txt", "hello\n");
    return "exit code: 0";
  });
  assert.deepEqual([result, changed], ["exit code: 0", ["new.txt"]]);
  assert.match(await fs.diff(changed), /^--- \/dev\/null/m);
});

Deno.test("recordingFs().track() says when a shell-modified file was too large to keep its earlier content", async () => {
  const inner = memoryFs({ "big.txt": "x".repeat(BEFORE_FILE_CAP + 1) });
  const fs = recordingFs(inner);
  const { changed } = await fs.track(() => inner.writeText("big.txt", "small\n"));
  assert.equal(
    await fs.diff(changed),
    "--- a/big.txt\n+++ b/big.txt\n(changed by a shell command; the file was over 256 KB, " +
      "so its earlier content is not shown)\n",
  );
});

Deno.test("recordingFs() keeps a tool write's original when a shell command changes the file later", async () => {
  const inner = memoryFs({ "a.txt": "before\n" });
  const fs = recordingFs(inner);
  await fs.writeText("a.txt", "tool\n");
  await fs.track(() => inner.writeText("a.txt", "tool and shell\n"));
  const diff = await fs.diff(["a.txt"]);
  assert.match(diff, /^-before$/m);
  assert.match(diff, /^\+tool and shell$/m);
});
