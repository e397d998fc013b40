import assert from "node:assert/strict";
import { join } from "node:path";
import { runPipeline } from "../../src/pipeline/run.ts";
import { worktreeRoot } from "../../src/worktree/paths.ts";
import { diffPlan, discardPlan, mergePlan } from "../../src/worktree/branch_ops.ts";
import { runnerFor } from "../../src/worktree/prepare.ts";
import { listPlanRefusals } from "../../src/store/plan_refusals.ts";
import { harness } from "../pipeline/harness.ts";
import { scriptedSession, type ScriptedTask } from "../pipeline/scripted.ts";
import { dirtyRepo, git, userState } from "./fixture.ts";

/** The new files are JavaScript, checked in-process: the runs need no python3. */
const js = (name: string) => `export function ${name}() {\n  return "${name}";\n}\n`;

const TASKS: ScriptedTask[] = [
  { title: "Add parser", file: "app/parser.js", content: js("parse") },
  {
    title: "Add report",
    file: "app/report.js",
    content: js("report"),
    dependencies: ["Add parser"],
  },
  { title: "Add cli", file: "app/cli.js", content: js("cli"), dependencies: ["Add report"] },
];
const PLAN =
  "---\nworkspace: .\n---\n# Feature\n\n- parser in app/parser.js\n- report in app/report.js\n- cli in app/cli.js\n";

Deno.test("a plan on an existing repository works on lao/<stem> in a worktree; the user's dirty tree and branch stay byte-identical; merge brings it in", async () => {
  await using h = await harness(scriptedSession(TASKS));
  await dirtyRepo(h.dir);
  await h.addPlan("feat.md", PLAN);
  const before = await userState(h.dir);
  await runPipeline(h.deps, { singleRun: true });

  const plan = h.store.listPlans()[0]!;
  assert.equal(plan.workspace_kind, "worktree");
  assert.equal(plan.branch, "lao/feat");
  assert.deepEqual(h.store.listTasks().map((t) => t.status), [
    "completed",
    "completed",
    "completed",
  ]);
  assert.deepEqual(
    await userState(h.dir),
    before,
    "the user's tree, index and branch are untouched",
  );
  const root = worktreeRoot(h.dir, "feat");
  assert.equal(await Deno.readTextFile(join(root, "app/cli.js")), js("cli"));
  const subjects = await git(h.dir, "log", "--format=%s", "lao/feat");
  assert.match(subjects, /lao\(coder\): task #\d+ Add cli/);
  assert.match(subjects, /^initial$/m, "the branch starts from the user's HEAD");

  const runner = runnerFor(h.dir);
  const diff = await diffPlan(runner, plan, { stat: true });
  assert.ok(diff.ok && /app\/parser\.js/.test(diff.text), JSON.stringify(diff));

  const refused = await mergePlan(runner, plan, root);
  assert.equal(refused.ok, false);
  assert.match(!refused.ok ? refused.problem : "", /uncommitted changes/);
  assert.deepEqual(await userState(h.dir), before, "a refused merge changes nothing");

  await git(h.dir, "commit", "-q", "-a", "-m", "my work");
  const merged = await mergePlan(runner, plan, root);
  assert.ok(merged.ok, JSON.stringify(merged));
  assert.equal(await Deno.readTextFile(join(h.dir, "app/parser.js")), js("parse"));
  assert.equal(
    await Deno.readTextFile(join(h.dir, "app/util.py")),
    "def helper():\n    return 2  # work in progress\n",
  );
  assert.equal((await git(h.dir, "symbolic-ref", "HEAD")).trim(), "refs/heads/feature-x");
  assert.equal(await git(h.dir, "status", "--porcelain=v1", "--untracked-files=no"), "");
  const changed = await git(h.dir, "diff", "--name-only", "HEAD^1", "HEAD");
  assert.deepEqual(
    changed.split("\n").filter((f) => f && !f.startsWith("LAO_") && f !== "quality_report.json"),
    ["app/cli.js", "app/parser.js", "app/report.js"],
    "nothing else in the repository changed",
  );

  const gone = await discardPlan(runner, plan, root);
  assert.ok(gone.ok, JSON.stringify(gone));
  assert.equal(await Deno.stat(root).then(() => true, () => false), false);
  assert.equal(await git(h.dir, "branch", "--list", "lao/feat"), "");
});

Deno.test("a plan targeting a folder outside git is refused with the reason", async () => {
  await using h = await harness(scriptedSession(TASKS));
  await h.addPlan("feat.md", PLAN);
  await runPipeline(h.deps, { singleRun: true });
  assert.equal(h.store.listPlans().length, 0);
  const refusals = listPlanRefusals(h.store);
  assert.equal(refusals.length, 1);
  assert.match(refusals[0]!.reason, /not in a git repository/);
});
