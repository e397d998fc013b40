import assert from "node:assert/strict";
import { join } from "node:path";
import { specialFileProblem } from "./special_files.ts";

Deno.test("specialFileProblem: a FIFO .gitignore in a subfolder is named; the top .git is skipped", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, ".git"));
    await Deno.mkdir(join(dir, "sub"));
    await Deno.writeTextFile(join(dir, "sub", "a.py"), "x = 1\n");
    await new Deno.Command("sh", { args: ["-c", 'mkfifo "$0/.git/fifo"', dir] }).output();
    assert.equal(await specialFileProblem(dir), "");
    await new Deno.Command("sh", { args: ["-c", 'mkfifo "$0/sub/.gitignore"', dir] }).output();
    assert.match(await specialFileProblem(dir), /^sub\/\.gitignore is a FIFO/);
    await Deno.remove(join(dir, "sub", ".gitignore"));
    await Deno.symlink("/dev/zero", join(dir, "sub", ".gitattributes"));
    assert.match(await specialFileProblem(dir), /^sub\/\.gitattributes is a symbolic link/);
    await Deno.remove(join(dir, "sub", ".gitattributes"));
    await Deno.symlink("/dev/zero", join(dir, "sub", "ok_link.py"));
    assert.equal(await specialFileProblem(dir), "", "an ordinary symlink is fine");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
