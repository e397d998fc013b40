/**
 * Issue 16, isolation without git: tasks of one plan running at once each
 * work in their own copy of the plan workspace; the second task's read of
 * the first's half-done file sees the base content; approvals copy the
 * task's files back; a file both changed ends with one task reworked on top
 * of the other's (no attempt used), never with lost work; no copy is left.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Config } from "../../src/config/schema.ts";
import { buildLanes } from "../../src/pipeline/server_lanes.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import type { ChatBody, Reply } from "../fake_server/types.ts";
import { type Harness, harness } from "./harness.ts";
import { KEYS, scriptedSession, type ScriptedTask } from "./scripted.ts";

const server = (url: string): Config["servers"][number] => ({
  name: "a",
  base_url: url,
  kind: "lmstudio",
  api_key: null,
  slots: 2,
  roles: null,
});

/** The task a coder request is about (from its first user message). */
const taskOf = (body: ChatBody, tasks: ScriptedTask[]) => {
  const first = (body.messages ?? []).find((m) => m.role === "user");
  const text = typeof first?.content === "string" ? first.content : "";
  return tasks.find((t) => text.includes(`## Task: ${t.title}\n`));
};
/** The number of tool results a request carries (how far its coder got). */
const turns = (body: ChatBody) => (body.messages ?? []).filter((m) => m.role === "tool").length;
const lastTool = (body: ChatBody) => {
  const last = body.messages?.at(-1);
  return last?.role === "tool" && typeof last.content === "string" ? last.content : "";
};

/** Runs `plan` with 2 slots and git off; `coder` answers the coder's requests. */
async function runTwoSlots(
  h: Harness,
  name: string,
  plan: string,
): Promise<{ workspace: string }> {
  const config = { ...h.config, servers: [server(h.server.url)] };
  const lanes = await buildLanes(h.deps, config);
  assert.ok(lanes && lanes[0]!.isolation && !lanes[0]!.isolation.overlapping, "task copies");
  await h.addPlan(name, plan);
  const result = await runPipeline({ ...h.deps, lanes }, { singleRun: true });
  assert.equal(result.plans[0]!.status, "completed");
  const left = await Array.fromAsync(Deno.readDir(join(h.dir, ".lao", "task-copies")))
    .catch(() => []);
  assert.deepEqual(left.map((e) => e.name), [], "no task copy is left");
  return { workspace: result.plans[0]!.workspace! };
}

const AB: ScriptedTask[] = [
  { title: "Task a", file: "a.py", content: "A = 1\n" },
  { title: "Task b", file: "b.py", content: "B = 2\n" },
];

Deno.test("no git, two tasks at once: the second reads the first's target file as it was; both land", async () => {
  const ref: { h?: Harness } = {};
  let readByB: string | undefined;
  const held: { aDone?: () => void; bRead?: () => void; aWrote: boolean; bRead2: boolean } = {
    aWrote: false,
    bRead2: false,
  };
  // Ordering without timers: b's first answer (read a.py) waits until a has written a.py in
  // its copy (a's second request), and a's second answer waits until b has read it.
  const sleep = (): Promise<void> => {
    const body = ref.h?.server.requests.at(-1)?.body as ChatBody | undefined;
    const task = body && body.model === KEYS.coder ? taskOf(body, AB) : undefined;
    if (!body || !task) return Promise.resolve();
    if (task.title === "Task a" && turns(body) === 1) {
      held.aWrote = true;
      held.bRead?.();
      return held.bRead2 ? Promise.resolve() : new Promise((go) => held.aDone = go);
    }
    if (task.title === "Task b" && turns(body) === 0 && !held.aWrote) {
      return new Promise((go) => held.bRead = go);
    }
    if (task.title === "Task b" && turns(body) === 1) {
      held.bRead2 = true;
      held.aDone?.();
    }
    return Promise.resolve();
  };
  const session = scriptedSession(AB);
  const respond = (body: ChatBody, ctx: Parameters<typeof session>[1]): Reply => {
    const task = body.model === KEYS.coder ? taskOf(body, AB) : undefined;
    if (task?.title === "Task b") {
      if (turns(body) === 0) {
        return { toolCalls: [{ name: "file_read", arguments: { path: "a.py" } }] };
      }
      if (turns(body) === 1) {
        readByB = lastTool(body);
        return {
          toolCalls: [{ name: "file_write", arguments: { path: "b.py", content: "B = 2\n" } }],
        };
      }
      return { content: "Wrote b.py." };
    }
    return session(body, ctx);
  };
  await using h = ref.h = await harness(respond, (c) => c.git.enabled = false, {
    server: { generation: { slots: 2, tokensPerSecond: 1000, completionTokens: 1, sleep } },
  });
  // The plan workspace holds a base version of a.py before the run.
  await Deno.mkdir(join(h.dir, "ab"), { recursive: true });
  await Deno.writeTextFile(join(h.dir, "ab", "a.py"), "A = 0\n");
  const { workspace } = await runTwoSlots(h, "ab.md", "# AB\n\n- Task a: a.py\n- Task b: b.py\n");
  assert.equal(h.server.gates.get(KEYS.coder)?.peak, 2, "both coders were in flight at once");
  assert.ok(held.aWrote && held.bRead2, "b read a.py while a's write was not yet approved");
  assert.match(readByB ?? "", /A = 0/, `b saw a's base content: ${readByB}`);
  assert.doesNotMatch(readByB ?? "", /A = 1/);
  assert.equal(await Deno.readTextFile(join(workspace, "a.py")), "A = 1\n");
  assert.equal(await Deno.readTextFile(join(workspace, "b.py")), "B = 2\n");
  assert.deepEqual(h.store.listTasks().map((t) => [t.status, t.attempt]), [
    ["completed", 0],
    ["completed", 0],
  ]);
});

/** Two tasks with their own target files that both also write `shared.py`. */
const XY: ScriptedTask[] = [
  { title: "Task x", file: "x.py", content: "X = 1\n" },
  { title: "Task y", file: "y.py", content: "Y = 2\n" },
];

Deno.test("no git, two tasks change the same file at once: one reworked on top of the other, nothing lost", async () => {
  const session = scriptedSession(XY);
  const respond = (body: ChatBody, ctx: Parameters<typeof session>[1]): Reply => {
    const task = body.model === KEYS.coder ? taskOf(body, XY) : undefined;
    if (!task) return session(body, ctx);
    const text = (body.messages ?? []).map((m) => typeof m.content === "string" ? m.content : "")
      .join("\n");
    // Told of the conflict, the coder writes its line on top of the other task's.
    const shared = text.includes("Merge conflict")
      ? "x = 1\ny = 2\n"
      : task.title === "Task x"
      ? "x = 1\n"
      : "y = 2\n";
    const writes = [
      { name: "file_write", arguments: { path: task.file, content: task.content } },
      { name: "file_write", arguments: { path: "shared.py", content: shared } },
    ];
    return turns(body) === 0 ? { toolCalls: writes } : { content: "Done." };
  };
  await using h = await harness(respond, (c) => c.git.enabled = false);
  const { workspace } = await runTwoSlots(h, "xy.md", "# XY\n\n- Task x: x.py\n- Task y: y.py\n");
  assert.deepEqual(h.store.listTasks().map((t) => [t.status, t.attempt]), [
    ["completed", 0],
    ["completed", 0],
  ]);
  const conflicts = h.events.filter((e) =>
    e.type === "task.transition" && (e.reason ?? "").startsWith("merge conflict in shared.py")
  );
  assert.equal(conflicts.length, 1, "exactly one task was sent back with the conflict");
  const coders = h.events.filter((e) => e.type === "phase.start" && e.phase === "coder");
  assert.equal(coders.length, 3, "one task coded again");
  assert.equal(await Deno.readTextFile(join(workspace, "shared.py")), "x = 1\ny = 2\n");
  assert.equal(await Deno.readTextFile(join(workspace, "x.py")), "X = 1\n");
  assert.equal(await Deno.readTextFile(join(workspace, "y.py")), "Y = 2\n");
});
