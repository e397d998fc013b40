import assert from "node:assert/strict";
import { join } from "node:path";
import { commitFiles } from "../../src/git/commit_files.ts";
import { prepareRepo } from "../../src/git/repo.ts";
import { filesIn, gitSandbox, subjects } from "./_helpers.ts";

Deno.test("commitFiles: a file LAO committed before is committed again, and again after it left the index", async () => {
  await using box = await gitSandbox();
  const ws = join(box.root, "ws");
  await Deno.mkdir(ws, { recursive: true });
  const repo = await prepareRepo(ws, { runner: box.runner });
  assert.ok(repo);
  const commit = (subject: string, files: string[]) =>
    commitFiles(box.runner, repo, { subject, body: "", files });

  await Deno.writeTextFile(join(ws, "a.py"), "x = 1\n");
  assert.equal((await commit("one", ["a.py"])).kind, "committed");
  await Deno.writeTextFile(join(ws, "a.py"), "x = 2\n");
  assert.equal((await commit("two", ["a.py"])).kind, "committed");
  assert.equal((await commit("unchanged", ["a.py"])).kind, "nothing");

  // Deleted and committed, then written anew: git no longer knows the path; it is added again.
  await Deno.remove(join(ws, "a.py"));
  assert.equal((await commit("gone", ["a.py"])).kind, "committed");
  await Deno.writeTextFile(join(ws, "a.py"), "x = 3\n");
  assert.equal((await commit("back", ["a.py"])).kind, "committed");

  assert.deepEqual((await subjects(box, ws)).slice(0, 4), ["back", "gone", "two", "one"]);
  assert.ok((await filesIn(box, ws)).includes("a.py"));
  assert.equal(await box.git(ws, "show", "HEAD:a.py"), "x = 3\n");
});
