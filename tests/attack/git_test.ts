/**
 * Attack class 1 inside the user's own repository: a plan workspace in a
 * folder of the user's repository tries to get a `.git` of its own (the
 * attacks of a workspace with its own repository run in `confinement_test.ts`).
 *
 * The same `lao run` carries issue 10's transport faults through the
 * end-to-end path: its coder and reviewer calls meet a 200 MB reply, a
 * never-ending stream, a cut stream and garbage SSE. No attempt is burned,
 * LAO's peak memory stays under 1 GB, and every plan completes once the faults
 * are gone.
 */
import assert from "node:assert/strict";
import { type Attack, AttackProject } from "./harness.ts";
import { attrs, withEvil } from "./git_attacks.ts";
import { KEYS } from "../pipeline/scripted.ts";

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

/** Plans without an attack: only the faults reach them. */
const CALM: Attack[] = [{ id: "calm_a", steps: [] }, { id: "calm_b", steps: [] }];

Deno.test("attack: a workspace inside the user's own repository, through transport faults", async (t) => {
  await using p = await AttackProject.create([...PARENT_REPO, ...CALM], "", { gitRepo: true });
  p.server.setFaults(
    { kind: "oversize", model: KEYS.coder, sizeBytes: 200 * 1024 * 1024, times: 2 },
    { kind: "stream_cut", model: KEYS.coder, afterChunks: 2, times: 1 },
    { kind: "endless", model: KEYS.reviewer, times: 2 },
    { kind: "garbage_sse", model: KEYS.reviewer, afterChunks: 2, times: 1 },
  );
  const r = await p.run();
  await p.assertHeld(r);

  await t.step("the workspace cannot get a .git of its own", () => {
    for (const a of PARENT_REPO) {
      assert.ok(r.results.has(a.id), `the coder of ${a.id} never ran:\n${r.stdout}\n${r.stderr}`);
    }
  });

  await t.step(
    "oversize and endless replies on the coder and the reviewer burn no attempt, memory < 1 GB",
    () => {
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      const calm = r.status.plans.filter((pl) => CALM.some((a) => pl.filename === `${a.id}.md`));
      assert.deepEqual(calm.map((pl) => pl.status), ["completed", "completed"], r.stdout);
      assert.ok(r.peakRss > 0, "LAO's memory was measured");
      assert.doesNotMatch(r.stdout, /attempt 2\//, "a transport fault burned an attempt");
    },
  );
});
