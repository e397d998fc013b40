/**
 * Issue 16, isolation end to end: tasks of one plan running at once code in
 * their own git worktrees; approvals are cherry-picked onto the plan's
 * branch; two tasks that change the same lines end with one reworked on top
 * of the other's approved change (no attempt used), never with lost work.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Config } from "../../src/config/schema.ts";
import { GitRunner } from "../../src/git/runner.ts";
import { emptyHooksDir } from "../../src/git/mod.ts";
import { openRepo, pinnedGit } from "../../src/git/pinned.ts";
import { buildLanes } from "../../src/pipeline/server_lanes.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import type { ChatBody } from "../fake_server/types.ts";
import { harness } from "./harness.ts";
import { scriptedSession, type ScriptedTask } from "./scripted.ts";

const server = (url: string, slots: number): Config["servers"][number] => ({
  name: "a",
  base_url: url,
  kind: "lmstudio",
  api_key: null,
  slots,
  roles: null,
});

/** Two tasks writing the same new file, each its own line. */
const TWO: ScriptedTask[] = [
  { title: "Task x", file: "shared.py", content: "x = 1\n" },
  { title: "Task y", file: "shared.py", content: "y = 2\n" },
];
const PLAN = "# Two\n\n- Task x: shared.py\n- Task y: shared.py\n";

/** Everything the model was told in one request. */
const said = (body: ChatBody) =>
  (body.messages ?? []).map((m) => typeof m.content === "string" ? m.content : "").join("\n");

/** The git log subjects of the plan workspace. */
async function subjects(dir: string, workspace: string): Promise<string[]> {
  const runner = new GitRunner({ hooksDir: emptyHooksDir(dir) });
  const opened = await openRepo(workspace, runner);
  assert.ok(opened.ok && opened.layout);
  const log = await pinnedGit(runner, opened.layout, ["log", "--format=%s"]);
  return log.stdout.trim().split("\n");
}

Deno.test("two tasks editing the same lines at once: one reworked on top of the other, nothing lost", async () => {
  const session = scriptedSession(TWO);
  await using h = await harness((body, ctx) => {
    const text = said(body);
    const mine = TWO.find((t) => text.includes(`## Task: ${t.title}\n`));
    // A coder told of the conflict writes its line on top of the other task's.
    if (body.model === "qwen/qwen3-coder-30b" && mine && text.includes("Merge conflict")) {
      const last = body.messages?.[body.messages.length - 1];
      if (last?.role === "tool") return { content: "Merged." };
      return {
        toolCalls: [{
          name: "file_write",
          arguments: { path: "shared.py", content: "x = 1\ny = 2\n" },
        }],
      };
    }
    return session(body, ctx);
  });
  const config = { ...h.config, servers: [server(h.server.url, 2)] };
  const lanes = await buildLanes(h.deps, config);
  assert.ok(lanes && lanes[0]!.isolation, "tasks are isolated");
  await h.addPlan("two.md", PLAN);
  const result = await runPipeline({ ...h.deps, lanes }, { singleRun: true });
  const plan = result.plans[0]!;
  assert.equal(plan.status, "completed");
  const tasks = h.store.listTasks();
  assert.deepEqual(tasks.map((t) => [t.status, t.attempt]), [["completed", 0], ["completed", 0]]);
  // Both coded at once (each in its own worktree), then one of them again.
  // Both coded before either was reviewed, each in its own worktree from the same base (hence
  // the conflict: neither saw the other's file), then one of them again on top of the other.
  const phases = h.events.filter((e) => e.type === "phase.start" && e.phase !== "architect");
  assert.deepEqual(phases.slice(0, 2).map((e) => "phase" in e && e.phase), ["coder", "coder"]);
  const coders = phases.filter((e) => e.type === "phase.start" && e.phase === "coder");
  assert.equal(coders.length, 3, "one task coded again");
  const conflicts = h.events.filter((e) =>
    e.type === "task.transition" && (e.reason ?? "").startsWith("merge conflict in shared.py")
  );
  assert.equal(conflicts.length, 1, "exactly one task was sent back with the conflict");
  assert.equal(await Deno.readTextFile(join(plan.workspace!, "shared.py")), "x = 1\ny = 2\n");
  const log = await subjects(h.dir, plan.workspace!);
  assert.ok(log.some((s) => s.includes("task #1 Task x")), log.join("\n"));
  assert.ok(log.some((s) => s.includes("task #2 Task y")), log.join("\n"));
  // Approved tasks' worktrees are gone; the plan workspace is clean.
  const left = [...Deno.readDirSync(join(h.dir, ".lao", "worktrees"))].map((e) => e.name);
  assert.deepEqual(left, []);
});

Deno.test("ten-task plan on two slots: the same coder commits and files as one slot", async () => {
  const { TEN_PLAN, TEN_TASKS } = await import("./scripted.ts");
  const run = async (slots: number) => {
    await using h = await harness(scriptedSession(TEN_TASKS));
    const lanes = await buildLanes(h.deps, { ...h.config, servers: [server(h.server.url, slots)] });
    assert.equal(lanes === null, slots === 1);
    await h.addPlan("ten.md", TEN_PLAN);
    const result = await runPipeline({ ...h.deps, ...(lanes ? { lanes } : {}) }, {
      singleRun: true,
    });
    const plan = result.plans[0]!;
    assert.equal(plan.status, "completed");
    const log = await subjects(h.dir, plan.workspace!);
    const files = await Promise.all(
      TEN_TASKS.map((t) => Deno.readTextFile(join(plan.workspace!, t.file))),
    );
    return { coder: log.filter((s) => s.startsWith("lao(coder):")).sort(), files };
  };
  const one = await run(1);
  const two = await run(2);
  assert.equal(one.coder.length, TEN_TASKS.length);
  assert.deepEqual(two.coder, one.coder);
  assert.deepEqual(two.files, one.files);
});
