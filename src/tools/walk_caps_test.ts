/**
 * The walk caps of the tools that look at many files (`search`: 5,000
 * entries; `list_dir`: 400; `find_relevant_files`: 2,000 text files), in
 * memory: a workspace with more files than each cap still answers, from the
 * files within it. The bombs of `tests/attack/bombs_test.ts` run the same
 * tools in a real sandboxed workspace after a shell made files, deep folders
 * and link loops; making 5,000 files on disk costs seconds of kernel time.
 */
import assert from "node:assert/strict";
import { withMemoryWorkspace } from "../../testing/memory_fs.ts";
import { findRelevantFiles } from "./find_relevant_files.ts";
import { listDirTool } from "./list_dir.ts";
import { searchTool } from "./search.ts";

/** `count` files `many/0001`..., with `special` (by number) holding their own text. */
function manyFiles(
  count: number,
  ext: string,
  special: Record<number, string>,
): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 1; i <= count; i++) {
    files[`many/${String(i).padStart(4, "0")}${ext}`] = special[i] ?? "plain line\n";
  }
  return files;
}

Deno.test("search over 5,100 files reads the first 5,000 and answers from them", async () => {
  const files = manyFiles(5100, "", { 5000: "needle here\n", 5001: "needle past the cap\n" });
  await withMemoryWorkspace(files, async (fs) => {
    const r = await searchTool.run({ pattern: "needle", path: "many" }, { fs });
    assert.equal(r.ok, true);
    assert.equal(r.output, "many/5000:1: needle here");
  });
});

Deno.test("list_dir over 5,100 files stops after 400 entries and says so", async () => {
  await withMemoryWorkspace(manyFiles(5100, "", {}), async (fs) => {
    const r = await listDirTool.run({ path: "many" }, { fs });
    assert.equal(r.ok, true);
    assert.match(r.output, /\n\.\.\. \(listing stopped after 400 entries\)$/);
    assert.match(r.output, /0399/);
    assert.doesNotMatch(r.output, /0401/);
  });
});

Deno.test("find_relevant_files over 2,100 text files ranks only the first 2,000", async () => {
  const files = manyFiles(2100, ".py", {
    10: "def zebra_stripes(): pass\n",
    2050: "def zebra_stripes_too(): pass\n",
  });
  await withMemoryWorkspace(files, async (fs) => {
    const ranked = await findRelevantFiles(fs, "zebra_stripes", { topK: 20 });
    const paths = ranked.map((f) => f.path);
    assert.ok(paths.includes("many/0010.py"), paths.join(", "));
    assert.ok(!paths.includes("many/2050.py"), paths.join(", "));
  });
});
