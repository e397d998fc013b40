import assert from "node:assert/strict";
import { GitRunner, NoGit, openPlanGit, PlanGit } from "./mod.ts";

const git = { enabled: true, plan_file_name: "LAO_PLAN.md", commit_trailers: false };
const runner = new GitRunner({ hooksDir: "/nonexistent/lao-hooks" });

Deno.test("openPlanGit() returns a recorder that does nothing when git is disabled", async () => {
  for (
    const port of [
      openPlanGit({ workspace: "/nonexistent/ws", git: { ...git, enabled: false }, runner }),
      openPlanGit({ workspace: "/nonexistent/ws", git, enabled: false, runner }),
    ]
  ) {
    assert.ok(port instanceof NoGit);
    assert.equal(
      await port.commitCoder({ planId: "p", taskId: 1, title: "t", files: ["a"] }),
      null,
    );
    assert.equal(await port.commitReport(["a"]), null);
    const undo = await port.undoTask(1);
    assert.deepEqual(undo, {
      ok: false,
      message: "Cannot undo task #1: git traceability is disabled",
    });
  }
});

Deno.test("openPlanGit() returns a PlanGit when git is enabled", () => {
  assert.ok(openPlanGit({ workspace: "/nonexistent/ws", git, runner }) instanceof PlanGit);
});
