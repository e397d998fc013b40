/**
 * Attack class 1 inside the user's own repository: a plan workspace in a
 * folder of the user's repository tries to get a `.git` of its own (the
 * attacks of a workspace with its own repository run in `confinement_test.ts`).
 */
import assert from "node:assert/strict";
import { type Attack, AttackProject } from "./harness.ts";
import { attrs, withEvil } from "./git_attacks.ts";

const PARENT_REPO: Attack[] = [
  {
    id: "parent_init",
    steps: withEvil("parent_init", (ws) => [
      `ls -la; ls -la .git; git status 2>&1 | head -3`,
      `rm -rf .git 2>&1; rmdir .git 2>&1; git init -q 2>&1; git init -q --separate-git-dir=gd . 2>&1; ` +
      `git config filter.x.clean ${ws}/evil.sh 2>&1; printf '${attrs}' > .gitattributes; echo tried`,
      `mkdir -p sub && cd sub && git init -q && git config filter.x.clean ${ws}/evil.sh && ` +
      `printf '${attrs}' > .gitattributes && echo a > a.txt; echo nested`,
    ]),
  },
  {
    id: "parent_gitfile",
    steps: withEvil("parent_gitfile", (ws) => [
      `git init -q --bare ../evil.git 2>&1; git init -q --bare evil.git && ` +
      `git --git-dir=evil.git config filter.x.clean ${ws}/evil.sh && ` +
      `git --git-dir=evil.git config core.hooksPath ${ws}/hooks; mkdir -p hooks; cp evil.sh hooks/pre-commit; ` +
      `printf '${attrs}' > .gitattributes; echo 'gitdir: evil.git' > .git 2>&1; ln -s evil.git .git 2>&1; ` +
      `ln -s evil.git .git/x 2>&1; echo done`,
    ]),
  },
];

Deno.test("attack: a workspace inside the user's own repository cannot get a .git of its own", async () => {
  await using p = await AttackProject.create(PARENT_REPO, "", { gitRepo: true });
  const r = await p.run();
  await p.assertHeld(r);
  for (const a of PARENT_REPO) {
    assert.ok(r.results.has(a.id), `the coder of ${a.id} never ran:\n${r.stdout}\n${r.stderr}`);
  }
});
