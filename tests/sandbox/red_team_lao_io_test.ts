/**
 * Red team, class 2: LAO's own reads and writes in a plan workspace must not
 * follow what the model planted there. Every case plants an entry where LAO
 * writes or reads one of its own files (`LAO_REVIEW.log`, `LAO_TASKS.json`,
 * `LAO_PLAN.md`, `LAO_QUALITY.md`, `quality_report.json`), runs the real LAO
 * code path, and checks that the outside file is unchanged, that LAO returns
 * (a FIFO never blocks it, `/dev/zero` is never read), and that the entry is
 * now a regular file inside the workspace.
 *
 * No timers: a blocked open would hang the test, which the runner reports.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { recordingFs } from "../../src/workspace/change_tracker.ts";
import { PlanGit } from "../../src/git/commits.ts";
import { readPlanText } from "../../src/pipeline/intake.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { buildQualityReport } from "../../src/pipeline/quality/quality_report.ts";
import { sampleInput } from "../../testing/quality_fixture.ts";
import { writeReports } from "../../src/pipeline/quality/report_files.ts";
import { WorkspaceGuard } from "../../src/workspace/guard.ts";
import type { PlanRow } from "../../src/store/store.ts";
import { WorkspaceError } from "../../src/workspace/workspace_fs.ts";
import { type GitSandbox, gitSandbox, warnings } from "../git/_helpers.ts";
import { harness } from "../pipeline/harness.ts";
import { KEYS, scriptedSession, type ScriptedTask } from "../pipeline/scripted.ts";
import { sh } from "./fixture.ts";

const VICTIM = "the user's file\n";

/** A git sandbox with a workspace `ws/` and a folder `outside/` beside it. */
async function box(): Promise<GitSandbox & { ws: string; outside: string; victim: string }> {
  const b = await gitSandbox();
  const ws = join(b.root, "ws");
  const outside = join(b.root, "outside");
  await Deno.mkdir(ws);
  await Deno.mkdir(outside);
  const victim = join(outside, "victim.txt");
  await Deno.writeTextFile(victim, VICTIM);
  return Object.assign(b, { ws, outside, victim });
}

function planGit(b: GitSandbox & { ws: string }, planFile = "LAO_PLAN.md"): PlanGit {
  return new PlanGit({
    workspace: b.ws,
    runner: b.runner,
    emit: b.emit,
    git: { plan_file_name: planFile, commit_trailers: false },
    now: () => new Date("2025-01-02T03:04:05.000Z"),
  });
}

/** Asserts `path` is a plain regular file with one link, and returns its text. */
async function regular(path: string): Promise<string> {
  const info = await Deno.lstat(path);
  assert.ok(info.isFile && !info.isSymlink, `${path} is not a regular file`);
  assert.equal(info.nlink, 1, `${path} still shares its inode`);
  return await Deno.readTextFile(path);
}

const snapshotInput = { sourceFile: "p.md", stem: "p", planId: "p-1", version: "t" };
const review = { planId: "p-1", taskId: 1, title: "T", verdict: "approved" } as const;

for (const kind of ["symlink", "hard link"] as const) {
  const plant = async (target: string, entry: string) => {
    if (kind === "symlink") await Deno.symlink(target, entry);
    else await Deno.link(target, entry);
  };

  Deno.test(`LAO_REVIEW.log as a ${kind} to an outside file: the verdict stays inside`, async () => {
    await using b = await box();
    const git = planGit(b);
    await git.commitPlanSnapshot("# P\n", snapshotInput);
    await plant(b.victim, join(b.ws, "LAO_REVIEW.log"));
    const commit = await git.commitReview(review);
    assert.equal(await Deno.readTextFile(b.victim), VICTIM);
    assert.equal(
      await regular(join(b.ws, "LAO_REVIEW.log")),
      "2025-01-02T03:04:05.000Z task_id=1 verdict=approved\n",
    );
    assert.ok(commit, "the review is still committed");
    assert.ok(warnings(b).some((w) => /LAO_REVIEW\.log/.test(w) && !w.includes("\n")));
  });

  Deno.test(`LAO_TASKS.json as a ${kind} to an outside file is replaced, not followed`, async () => {
    await using b = await box();
    const git = planGit(b);
    await git.commitPlanSnapshot("# P\n", snapshotInput);
    await plant(b.victim, join(b.ws, "LAO_TASKS.json"));
    await git.commitArchitect({
      planId: "p-1",
      stem: "p",
      tasks: [{ id: 1, title: "T", status: "pending" }],
    });
    assert.equal(await Deno.readTextFile(b.victim), VICTIM);
    assert.equal(JSON.parse(await regular(join(b.ws, "LAO_TASKS.json"))).plan_id, "p-1");
  });

  Deno.test(`LAO_PLAN.md as a ${kind} to an outside file is replaced, not followed`, async () => {
    await using b = await box();
    await plant(b.victim, join(b.ws, "LAO_PLAN.md"));
    await planGit(b).commitPlanSnapshot("# P\n", snapshotInput);
    assert.equal(await Deno.readTextFile(b.victim), VICTIM);
    assert.match(await regular(join(b.ws, "LAO_PLAN.md")), /# P\n$/);
  });

  Deno.test(`LAO_QUALITY.md as a ${kind} to an outside file is replaced, not followed`, async () => {
    await using b = await box();
    await plant(b.victim, join(b.ws, "LAO_QUALITY.md"));
    await writeReports(b.ws, buildQualityReport(sampleInput()));
    assert.equal(await Deno.readTextFile(b.victim), VICTIM);
    assert.match(await regular(join(b.ws, "LAO_QUALITY.md")), /^# /);
  });
}

Deno.test("a symlinked parent folder of a LAO file is refused with one line; nothing lands outside", async () => {
  await using b = await box();
  await Deno.symlink(b.outside, join(b.ws, "docs"));
  const result = await planGit(b, "docs/LAO_PLAN.md").commitPlanSnapshot("# P\n", snapshotInput);
  assert.equal(result, null);
  assert.deepEqual([...Deno.readDirSync(b.outside)].map((e) => e.name), ["victim.txt"]);
  const refusal = warnings(b).find((w) => w.includes("docs/LAO_PLAN.md"));
  assert.ok(refusal, `no refusal among ${warnings(b).join(" | ")}`);
  assert.ok(!refusal.includes("\n"));
  assert.match(refusal, /symlink/);
});

Deno.test("quality_report.json as a FIFO: the report writer returns and replaces it", async () => {
  await using b = await box();
  await sh(`mkfifo '${join(b.ws, "quality_report.json")}'`);
  const result = await writeReports(b.ws, buildQualityReport(sampleInput()));
  assert.equal(result.written.length, 2);
  assert.equal(
    JSON.parse(await regular(join(b.ws, "quality_report.json"))).plan_id,
    "a1b2c3d4e5f60718",
  );
});

Deno.test("quality_report.json as a symlink to /dev/zero is never read", async () => {
  await using b = await box();
  await Deno.symlink("/dev/zero", join(b.ws, "quality_report.json"));
  await Deno.symlink("/dev/zero", join(b.ws, "LAO_QUALITY.md"));
  const result = await writeReports(b.ws, buildQualityReport(sampleInput()));
  assert.equal(result.written.length, 2);
  assert.equal(
    JSON.parse(await regular(join(b.ws, "quality_report.json"))).plan_id,
    "a1b2c3d4e5f60718",
  );
  await regular(join(b.ws, "LAO_QUALITY.md"));
});

Deno.test("the workspace plan snapshot is not read through a FIFO, /dev/zero or an outside link", async () => {
  await using b = await box();
  const plan = { source_path: join(b.root, "gone.md"), workspace: b.ws } as PlanRow;
  const entry = join(b.ws, "LAO_PLAN.md");
  await sh(`mkfifo '${entry}'`);
  assert.equal(await readPlanText(plan, "LAO_PLAN.md"), null);
  await Deno.remove(entry);
  await Deno.symlink("/dev/zero", entry);
  assert.equal(await readPlanText(plan, "LAO_PLAN.md"), null);
  await Deno.remove(entry);
  await Deno.writeTextFile(b.victim, "<!-- LAO plan snapshot: x -->\n\n# Secret plan\n");
  await Deno.symlink(b.victim, entry);
  assert.equal(await readPlanText(plan, "LAO_PLAN.md"), null);
  await Deno.remove(entry);
  await Deno.writeTextFile(entry, "<!-- LAO plan snapshot: x -->\n\n# Real plan\n");
  assert.equal(await readPlanText(plan, "LAO_PLAN.md"), "# Real plan\n");
});

Deno.test("the recording fs's before-read never opens a planted FIFO, /dev/zero or outside link", async () => {
  await using b = await box();
  await sh(`mkfifo '${join(b.ws, "fifo.py")}'`);
  await Deno.symlink("/dev/zero", join(b.ws, "zero.py"));
  await Deno.symlink(b.victim, join(b.ws, "victim.py"));
  const fs = recordingFs(await WorkspaceGuard.open(b.ws));
  for (const path of ["fifo.py", "zero.py", "victim.py"]) {
    await assert.rejects(fs.writeText(path, "x = 1\n"), WorkspaceError);
  }
  await fs.writeText("ok.py", "x = 1\n");
  const diff = await fs.diff(["fifo.py", "zero.py", "victim.py", "ok.py"]);
  assert.ok(!diff.includes("user's file"));
  assert.match(diff, /\+\+\+ b\/ok\.py/);
  assert.equal(await Deno.readTextFile(b.victim), VICTIM);
});

Deno.test("a coder that plants links over LAO's files mid-run: the run completes, nothing outside changes", async () => {
  const tasks: ScriptedTask[] = [
    { title: "Only task", file: "only.js", content: "export const x = 1;\n" },
  ];
  const session = scriptedSession(tasks);
  let planted = false;
  let ws = "";
  let outside = "";
  const respond: typeof session = Object.assign(
    (body: Parameters<typeof session>[0], ctx: Parameters<typeof session>[1]) => {
      if (!planted && String(body.model) === KEYS.coder) {
        planted = true;
        Deno.symlinkSync(join(outside, "review.txt"), join(ws, "LAO_REVIEW.log"));
        Deno.linkSync(join(outside, "quality.txt"), join(ws, "LAO_QUALITY.md"));
        const fifo = join(ws, "quality_report.json");
        new Deno.Command("sh", { args: ["-c", 'mkfifo "$0"', fifo] }).outputSync();
        Deno.removeSync(join(ws, "LAO_TASKS.json"));
        Deno.symlinkSync(join(outside, "tasks.txt"), join(ws, "LAO_TASKS.json"));
      }
      return session(body, ctx);
    },
    { reviews: session.reviews },
  );
  // A JavaScript task: no python3 for the run (what is attacked is LAO's own files).
  await using h = await harness(respond);
  ws = join(h.dir, "attack");
  outside = join(h.dir, "outside");
  await Deno.mkdir(outside);
  for (const f of ["review.txt", "quality.txt", "tasks.txt"]) {
    await Deno.writeTextFile(join(outside, f), VICTIM);
  }
  await h.addPlan("attack.md", "# Attack\n\n- only.js\n");
  const result = await runPipeline(h.deps, { singleRun: true });
  assert.ok(planted);
  assert.equal(result.interrupted, false);
  assert.deepEqual(h.store.listTasks().map((t) => [t.title, t.status]), [[
    "Only task",
    "completed",
  ]]);
  for (const f of ["review.txt", "quality.txt", "tasks.txt"]) {
    assert.equal(await Deno.readTextFile(join(outside, f)), VICTIM, f);
  }
  assert.match(await regular(join(ws, "LAO_REVIEW.log")), /task_id=\d+ verdict=approved\n$/);
  assert.equal(JSON.parse(await regular(join(ws, "quality_report.json"))).task_counts.completed, 1);
  await regular(join(ws, "LAO_QUALITY.md"));
});
