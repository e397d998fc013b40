/**
 * Shared pieces of the parallel end-to-end tests (`parallel_runs_test.ts`):
 * a lane's server entry, the plan branch's log, what a request says, and a
 * barrier that holds coder requests until two are in flight.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Config } from "../../src/config/schema.ts";
import { GitRunner } from "../../src/git/runner.ts";
import { emptyHooksDir } from "../../src/git/mod.ts";
import { openRepo, pinnedGit } from "../../src/git/pinned.ts";
import type { FakeServer } from "../fake_server/server.ts";
import type { ChatBody } from "../fake_server/types.ts";
import { join } from "node:path";
import { KEYS, py, type ScriptedTask } from "./scripted.ts";

/** A `servers:` entry of LM Studio at `url` serving every role. */
export const laneServer = (name: string, url: string, slots = 2): Config["servers"][number] => ({
  name,
  base_url: url,
  kind: "lmstudio",
  api_key: null,
  slots,
  roles: null,
});

/** Four independent tasks (one wave of 4 coders) and one on top of two of them. */
export const FIVE_TASKS: ScriptedTask[] = [
  { title: "Task p", file: "pkg/p.py", content: py("p") },
  { title: "Task q", file: "pkg/q.py", content: py("q") },
  { title: "Task r", file: "pkg/r.py", content: py("r") },
  { title: "Task s", file: "pkg/s.py", content: py("s") },
  { title: "Task t", file: "pkg/t.py", content: py("t"), dependencies: ["Task p", "Task q"] },
];

/** The plan of {@linkcode FIVE_TASKS}. */
export const FIVE_PLAN = `# Five\n\n${
  FIVE_TASKS.map((t) => `- ${t.title}: ${t.file}`).join("\n")
}\n`;

/**
 * What a recovered run of {@linkcode FIVE_TASKS} must leave in project `dir`:
 * every task's file, no task worktree, each task's coder commit on the plan
 * branch exactly once.
 */
export async function assertFiveFinished(dir: string, workspace: string): Promise<void> {
  for (const t of FIVE_TASKS) {
    assert.equal(await Deno.readTextFile(join(workspace, t.file)), t.content);
  }
  // Every task finished: none of their worktrees is left.
  const left = await Array.fromAsync(Deno.readDir(join(dir, ".lao", "worktrees")))
    .catch(() => []);
  assert.deepEqual(left.map((e) => e.name), []);
  // Each task's coder commit is on the plan branch once.
  const coder = (await subjects(dir, workspace)).filter((s) => s.startsWith("lao(coder):"));
  for (const [i, t] of FIVE_TASKS.entries()) {
    const mine = coder.filter((s) => s.includes(`task #${i + 1} ${t.title}`));
    assert.equal(mine.length, 1, `${t.title}:\n${coder.join("\n")}`);
  }
  assert.equal(coder.length, FIVE_TASKS.length, coder.join("\n"));
}

/** The git log subjects of the plan workspace (`dir`: the project). */
export async function subjects(dir: string, workspace: string): Promise<string[]> {
  const runner = new GitRunner({ hooksDir: emptyHooksDir(dir) });
  const opened = await openRepo(workspace, runner);
  assert.ok(opened.ok && opened.layout);
  const log = await pinnedGit(runner, opened.layout, ["log", "--format=%s"]);
  return log.stdout.trim().split("\n");
}

/** Everything the model was told in one request. */
export const said = (body: ChatBody): string =>
  (body.messages ?? []).map((m) => typeof m.content === "string" ? m.content : "").join("\n");

/** The task a coder request is about (from its first user message). */
export const taskOf = (body: ChatBody, tasks: ScriptedTask[]): ScriptedTask | undefined => {
  const first = (body.messages ?? []).find((m) => m.role === "user");
  const text = typeof first?.content === "string" ? first.content : "";
  return tasks.find((t) => text.includes(`## Task: ${t.title}\n`));
};

/** The number of tool results a request carries (how far its coder got). */
export const turns = (body: ChatBody): number =>
  (body.messages ?? []).filter((m) => m.role === "tool").length;

/** The last tool result of a request ("" when the last message is not one). */
export const lastTool = (body: ChatBody): string => {
  const last = body.messages?.at(-1);
  return last?.role === "tool" && typeof last.content === "string" ? last.content : "";
};

/** Most coder phases running at once. */
export function peakCoders(events: { type: string; phase?: string }[]): number {
  let now = 0;
  let most = 0;
  for (const e of events) {
    if (e.type === "phase.start" && e.phase === "coder") most = Math.max(most, ++now);
    if (e.type === "phase.end" && e.phase === "coder") now--;
  }
  return most;
}

/**
 * Holds coder requests (on any server) until two are in flight at once, then
 * lets every request through: two coders side by side is then a fact the
 * servers saw, not a race the test hopes to win. A scheduler that codes one
 * task at a time never sends the second request; the guard then releases the
 * first so the test fails on its assertion instead of hanging.
 */
export function sideBySide() {
  const held: (() => void)[] = [];
  let together = false;
  let guard: ReturnType<typeof setTimeout> | undefined;
  const sleep = (server: () => FakeServer | undefined) => (): Promise<void> => {
    const body = server()?.requests.at(-1)?.body as { model?: string } | undefined;
    if (together || body?.model !== KEYS.coder) return Promise.resolve();
    return new Promise<void>((resolve) => {
      held.push(resolve);
      const release = () => {
        clearTimeout(guard);
        for (const r of held.splice(0)) r();
      };
      if (held.length >= 2) {
        together = true;
        release();
      } else guard ??= setTimeout(release, 30_000);
    });
  };
  return {
    generation: (server: () => FakeServer | undefined) => ({
      slots: 2,
      tokensPerSecond: 1000,
      completionTokens: 1,
      sleep: sleep(server),
    }),
    together: () => together,
    close: () => clearTimeout(guard),
  };
}
