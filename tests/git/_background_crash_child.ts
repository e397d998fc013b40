/**
 * Child process of `background_test.ts`: queues a coder and a reviewer
 * commit on a workspace, then kills itself with SIGKILL as soon as both are
 * recorded (before they can land). Arguments: workspace, hooks folder, env JSON.
 *
 * @module
 */
import { PlanGit } from "../../src/git/commits.ts";
import { GitRunner } from "../../src/git/runner.ts";

const [ws, hooksDir, env] = Deno.args as [string, string, string];
const runner = new GitRunner({ hooksDir, env: JSON.parse(env) });
const git = new PlanGit({ workspace: ws, runner, now: () => new Date("2026-12-01T00:00:00.000Z") });
await git.queueCoder({ planId: "p-1", taskId: 1, title: "first", files: ["a.py"] });
await git.queueReview({ planId: "p-1", taskId: 1, title: "first", verdict: "approved" });
Deno.kill(Deno.pid, "SIGKILL");
