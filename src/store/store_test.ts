import assert from "node:assert/strict";
import { join } from "node:path";
import type { LaoEvent } from "../events/types.ts";
import type { TaskStatus } from "../domain/status.ts";
import { openDatabase, schemaVersion } from "./db.ts";
import { MIGRATIONS, SCHEMA_VERSION } from "./migrations.ts";
import { type NewTask, Store } from "./store.ts";
import { queueSql, RUNNABLE } from "./queue.ts";
import { TASK_STATUSES, type Transition, TRANSITIONS } from "./task_machine.ts";

function tempDb(): { path: string; cleanup: () => void } {
  const dir = Deno.makeTempDirSync({ prefix: "lao_store_" });
  return { path: join(dir, "state.db"), cleanup: () => Deno.removeSync(dir, { recursive: true }) };
}

function withStore(fn: (s: Store, events: LaoEvent[], path: string) => void | Promise<void>) {
  return async () => {
    const { path, cleanup } = tempDb();
    const events: LaoEvent[] = [];
    const store = Store.open(path, { emit: (e) => events.push(e) });
    try {
      await fn(store, events, path);
    } finally {
      store.close();
      cleanup();
    }
  };
}

const task = (title: string, dependsOn: number[] = []): NewTask => ({
  title,
  description: `do ${title}`,
  file_paths: [`${title}.py`],
  dependsOn,
});

function addPlan(s: Store, text = "# plan\n- a\n", tasks: NewTask[] = [task("a")]) {
  const { plan } = s.registerPlan({ filename: "p.md", stem: "p", text });
  const ids = s.insertTasks(plan.id, tasks, 3);
  return { plan, ids };
}

/** Forces a task into a status directly (test setup only). */
function force(s: Store, id: number, status: TaskStatus) {
  s.db.prepare(`UPDATE tasks SET status = ? WHERE id = ?`).run(status, id);
}

Deno.test(
  "every legal transition moves the task and writes its event atomically",
  withStore((s) => {
    const { ids } = addPlan(s);
    const id = ids[0]!;
    for (const [name, [from, to]] of Object.entries(TRANSITIONS)) {
      force(s, id, from);
      assert.equal(s.transition(id, name as Transition), true, name);
      assert.equal(s.getTask(id)!.status, to, name);
      const last = s.taskEvents(id).at(-1)!.payload;
      assert.deepEqual([last.type, "from" in last && last.from, "to" in last && last.to], [
        "task.transition",
        from,
        to,
      ]);
    }
  }),
);

Deno.test(
  "every illegal transition is refused and changes nothing",
  withStore((s) => {
    const { ids } = addPlan(s);
    const id = ids[0]!;
    let refused = 0;
    for (const [name, [from]] of Object.entries(TRANSITIONS)) {
      for (const status of TASK_STATUSES.filter((st) => st !== from)) {
        force(s, id, status);
        const before = s.taskEvents(id).length;
        assert.equal(s.transition(id, name as Transition), false, `${name} from ${status}`);
        assert.equal(s.getTask(id)!.status, status);
        assert.equal(s.taskEvents(id).length, before);
        refused++;
      }
    }
    assert.equal(refused, Object.keys(TRANSITIONS).length * (TASK_STATUSES.length - 1));
  }),
);

Deno.test(
  "a task can be claimed only once, even by two connections",
  withStore((s, _e, path) => {
    const { ids } = addPlan(s);
    const other = Store.open(path);
    try {
      assert.equal(s.transition(ids[0]!, "start_coding"), true);
      assert.equal(other.transition(ids[0]!, "start_coding"), false);
    } finally {
      other.close();
    }
  }),
);

Deno.test(
  "recovery puts coding tasks back to pending and review tasks back to coded",
  withStore((s) => {
    const { ids } = addPlan(s, "x", [task("a"), task("b"), task("c")]);
    force(s, ids[0]!, "coding");
    force(s, ids[1]!, "review");
    s.db.prepare(`UPDATE tasks SET attempt = 2 WHERE id = ?`).run(ids[0]!);
    assert.deepEqual(s.recover(), { coding: 1, review: 1 });
    assert.equal(s.getTask(ids[0]!)!.status, "pending");
    assert.equal(s.getTask(ids[0]!)!.attempt, 2);
    assert.equal(s.getTask(ids[1]!)!.status, "coded");
    assert.equal(s.getTask(ids[2]!)!.status, "pending");
  }),
);

Deno.test(
  "identical plan content is registered once, whatever the file name",
  withStore((s) => {
    const a = s.registerPlan({ filename: "a.md", stem: "a", text: "same" });
    const b = s.registerPlan({ filename: "b.md", stem: "b", text: "same" });
    assert.equal(a.created, true);
    assert.equal(b.created, false);
    assert.equal(b.plan.id, a.plan.id);
    assert.equal(s.listPlans().length, 1);
    assert.match(a.plan.id, /^[0-9a-f]{16}$/);
  }),
);

Deno.test(
  "an edited plan without recorded sections supersedes the old revision and cancels its open tasks",
  withStore((s) => {
    const { plan, ids } = addPlan(s, "v1", [task("a"), task("b")]);
    force(s, ids[0]!, "completed");
    const v2 = s.registerPlan({ filename: "p.md", stem: "p", text: "v2" });
    assert.equal(v2.created, true);
    assert.equal(v2.supersedes?.id, plan.id);
    assert.equal(v2.plan.revision_of, plan.id);
    assert.equal(s.getPlan(plan.id)!.status, "superseded");
    assert.equal(s.getTask(ids[0]!)!.status, "completed");
    const old = s.getTask(ids[1]!)!;
    assert.equal(old.status, "cancelled");
    assert.match(old.feedback ?? "", /superseded by a new revision/);
  }),
);

Deno.test(
  "an incremental revision keeps unchanged sections' tasks, cancels removed ones and decomposes only new sections",
  withStore((s) => {
    const sections = (...h: string[]) => h.map((x) => ({ hash: x, heading: `# ${x}` }));
    const v1 = s.registerPlan({
      filename: "p.md",
      stem: "p",
      text: "v1",
      sections: sections("A", "B"),
    });
    const ids = s.insertTasks(v1.plan.id, [
      { ...task("a"), section: "A" },
      { ...task("b"), section: "B" },
      { ...task("b2"), section: "B" },
    ], 3);
    force(s, ids[0]!, "completed");
    force(s, ids[1]!, "completed");
    const v2 = s.registerPlan({
      filename: "p.md",
      stem: "p",
      text: "v2",
      sections: sections("A", "C"),
    });
    assert.deepEqual(v2.revision, { kept: 2, cancelled: 1, decompose: 1 });
    assert.equal(v2.plan.status, "decomposing");
    assert.deepEqual(
      s.listTasks(v2.plan.id).map((t) => [t.title, t.status]),
      [["a", "completed"], ["b", "completed"], ["b2", "cancelled"]],
    );
    const [c] = s.insertTasks(
      v2.plan.id,
      [{ ...task("c"), section: "C", dependsOnIds: [ids[0]!] }],
      3,
    );
    assert.deepEqual(s.getTask(c!)!.dependencies, [ids[0]]);
    assert.deepEqual(s.revisionCounts(v2.plan.id), { kept: 2, new: 1, cancelled: 1 });
    force(s, c!, "completed");
    assert.deepEqual(
      s.closeFinishedPlans(),
      [v2.plan.id],
      "cancelled tasks do not keep a plan open",
    );
  }),
);

Deno.test(
  "a failed decomposition stays retryable after its backoff",
  withStore((s) => {
    let now = new Date("2026-01-01T00:00:00Z");
    const store = new Store(s.db, { now: () => now });
    const { plan } = store.registerPlan({ filename: "p.md", stem: "p", text: "x" });
    assert.deepEqual(store.plansToDecompose().map((p) => p.id), [plan.id]);
    store.markDecompositionFailed(plan.id, "bad JSON", 60);
    assert.equal(store.getPlan(plan.id)!.status, "decomposition_failed");
    assert.deepEqual(store.plansToDecompose(), []);
    now = new Date("2026-01-01T00:01:01Z");
    assert.deepEqual(store.plansToDecompose().map((p) => p.id), [plan.id]);
    store.insertTasks(plan.id, [task("a")], 3);
    assert.equal(store.getPlan(plan.id)!.status, "active");
  }),
);

Deno.test(
  "dependencies are task ids and gate runnability; failBlocked() cascades failures with the reason",
  withStore((s) => {
    const { ids } = addPlan(s, "x", [
      task("base"),
      task("mid", [0]),
      task("top", [1]),
      task("free"),
    ]);
    assert.deepEqual(s.getTask(ids[2]!)!.dependencies, [ids[1]]);
    assert.deepEqual(s.runnable().map((t) => t.title), ["base", "free"]);
    force(s, ids[0]!, "failed");
    // runnable() is a pure query: the blocked tasks never come up, and stay pending until
    // failBlocked() cascades the failure.
    assert.deepEqual(s.runnable().map((t) => t.title), ["free"]);
    assert.equal(s.getTask(ids[1]!)!.status, "pending");
    assert.equal(s.failBlocked(), 2);
    const mid = s.getTask(ids[1]!)!;
    const top = s.getTask(ids[2]!)!;
    assert.equal(mid.status, "failed");
    assert.equal(mid.feedback, "Blocked by failed dependencies: base");
    assert.equal(top.status, "failed");
    assert.equal(top.feedback, "Blocked by failed dependencies: mid");
  }),
);

Deno.test(
  "cooldowns hold a reworked task back until they pass",
  withStore((s) => {
    let now = new Date("2026-01-01T00:00:00Z");
    const store = new Store(s.db, { now: () => now });
    const { ids } = addPlan(store);
    store.transition(ids[0]!, "start_coding");
    store.transition(ids[0]!, "coder_rework", {
      attempt: 1,
      next_eligible_at: "2026-01-01T00:00:30.000Z",
    });
    assert.deepEqual(store.runnable(), []);
    assert.equal(store.nextCooldownEnd()?.toISOString(), "2026-01-01T00:00:30.000Z");
    now = new Date("2026-01-01T00:00:31Z");
    assert.equal(store.runnable().length, 1);
  }),
);

Deno.test(
  "retry-failed resets attempts and reopens a completed plan",
  withStore((s) => {
    const { plan, ids } = addPlan(s, "x", [task("a")]);
    force(s, ids[0]!, "failed");
    s.db.prepare(`UPDATE tasks SET attempt = 3, feedback = 'bad' WHERE id = ?`).run(ids[0]!);
    assert.equal(s.retryFailed(), 1);
    const t = s.getTask(ids[0]!)!;
    assert.deepEqual([t.status, t.attempt, t.feedback], ["pending", 0, null]);
    assert.equal(s.getPlan(plan.id)!.status, "active");
  }),
);

Deno.test(
  "a plan closes only when every task completed",
  withStore((s) => {
    const { plan, ids } = addPlan(s, "x", [task("a"), task("b")]);
    force(s, ids[0]!, "completed");
    force(s, ids[1]!, "failed");
    assert.deepEqual(s.closeFinishedPlans(), []);
    force(s, ids[1]!, "completed");
    assert.deepEqual(s.closeFinishedPlans(), [plan.id]);
    assert.equal(s.getPlan(plan.id)!.status, "completed");
  }),
);

Deno.test(
  "findings keep their history per attempt",
  withStore((s) => {
    const { ids } = addPlan(s);
    const f = {
      source: "reviewer",
      severity: "major",
      file_path: "a.py",
      issue_class: "bug",
      message: "m",
    };
    s.addFindings(ids[0]!, 0, [f]);
    s.addFindings(ids[0]!, 1, [f, { ...f, message: "n" }]);
    assert.equal(s.findings(ids[0]!).length, 3);
    assert.equal(s.findings(ids[0]!, 1).length, 2);
  }),
);

Deno.test(
  "status counts name every status and tokens sum by role",
  withStore((s) => {
    addPlan(s);
    s.recordLlmCall({
      role: "coder",
      model: "m",
      promptTokens: 10,
      completionTokens: 5,
      seconds: 1,
      ok: true,
    });
    s.recordLlmCall({
      role: "coder",
      model: "m",
      promptTokens: 1,
      completionTokens: 1,
      seconds: 1,
      ok: false,
    });
    assert.deepEqual(s.statusCounts(), {
      pending: 1,
      coding: 0,
      coded: 0,
      review: 0,
      completed: 0,
      failed: 0,
      cancelled: 0,
    });
    assert.deepEqual(s.tokensByRole(), { coder: { prompt: 11, completion: 6, calls: 2 } });
  }),
);

Deno.test("a database at an older schema version is migrated forward with its rows", () => {
  const { path, cleanup } = tempDb();
  try {
    const old = openDatabase(path, { migrations: MIGRATIONS.slice(0, 1) });
    assert.equal(schemaVersion(old), 1);
    old.prepare(`INSERT INTO plans (id, filename, stem) VALUES ('p1', 'p.md', 'p')`).run();
    old.prepare(`INSERT INTO tasks (plan_id, title, description) VALUES ('p1', 't', 'd')`).run();
    old.close();
    const store = Store.open(path);
    try {
      assert.equal(schemaVersion(store.db), SCHEMA_VERSION);
      const t = store.listTasks("p1")[0]!;
      assert.equal(t.title, "t");
      assert.equal(t.prev_code_signature, null);
      assert.equal(store.transition(t.id, "start_coding"), true);
      assert.equal(store.taskEvents(t.id).length, 1);
    } finally {
      store.close();
    }
  } finally {
    cleanup();
  }
});

Deno.test("a database from a newer LAO is refused with a clear message", () => {
  const { path, cleanup } = tempDb();
  try {
    const db = openDatabase(path);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    assert.throws(() => Store.open(path), /newer than this LAO supports/);
  } finally {
    cleanup();
  }
});

Deno.test("four concurrent writers on one database lose no rows", async () => {
  const { path, cleanup } = tempDb();
  try {
    Store.open(path).close();
    const workers = Array.from({ length: 4 }, (_, i) =>
      new Promise<void>((resolve, reject) => {
        const w = new Worker(
          new URL("../../testing/store_workers/writer_worker.ts", import.meta.url),
          {
            type: "module",
          },
        );
        w.onmessage = (e) => {
          w.terminate();
          e.data === "done" ? resolve() : reject(new Error(String(e.data)));
        };
        w.onerror = (e) => {
          w.terminate();
          reject(e.error ?? new Error(e.message));
        };
        w.postMessage({ path, writer: i, rows: 40 });
      }));
    await Promise.all(workers);
    const store = Store.open(path);
    try {
      const n = store.db.prepare(`SELECT COUNT(*) AS n FROM llm_calls`).get() as { n: number };
      assert.equal(n.n, 160);
      const t = store.db.prepare(`SELECT COUNT(*) AS n FROM tasks`).get() as { n: number };
      assert.equal(t.n, 160);
    } finally {
      store.close();
    }
  } finally {
    cleanup();
  }
});

Deno.test("plan fields, chunk results and deliverable statuses each emit an event", () => {
  const events: LaoEvent[] = [];
  const store = new Store(openDatabase(":memory:"), { emit: (e) => events.push(e) });
  const { plan } = store.registerPlan({ filename: "p.md", stem: "p", text: "# P\n- REQ-1: x\n" });
  store.seedPlanMetadata(plan.id, [], [{ id: "REQ-1", description: "x" }]);
  events.length = 0;
  store.updatePlan(plan.id, { preflight_json: "{}" });
  store.upsertChunk(plan.id, 0, "abcdef0123", "# P");
  store.finishChunk(plan.id, "abcdef0123", { error: "cut at max_tokens" });
  store.setDeliverableStatus(plan.id, ["REQ-1"], "validated");
  assert.deepEqual(events, [
    { type: "plan.updated", planId: plan.id, fields: ["preflight_json"] },
    {
      type: "chunk.status",
      planId: plan.id,
      hash: "abcdef0123",
      status: "failed",
      error: "cut at max_tokens",
    },
    { type: "deliverable.status", planId: plan.id, deliverableIds: ["REQ-1"], status: "validated" },
  ]);
  store.close();
});

Deno.test(
  "the queue query walks plans and tasks in index order: LIMIT 1 judges one candidate, not a plan's whole queue",
  withStore((s, _events, path) => {
    addPlan(s, "x", [task("a"), task("b", [0])]);
    const db = openDatabase(path);
    try {
      for (const [onePlan, extra] of [[false, RUNNABLE], [true, RUNNABLE], [false, ""]] as const) {
        const plan = db.prepare(`EXPLAIN QUERY PLAN ${queueSql(onePlan, extra)}`)
          .all("pending", ...(onePlan ? ["p"] : []), ...(extra ? ["2026"] : []), null, null, 1)
          .map((r) => String(r.detail));
        assert.ok(plan.some((d) => d.includes("tasks_plan_queue")), plan.join("\n"));
        assert.ok(!plan.some((d) => d.includes("TEMP B-TREE")), plan.join("\n"));
      }
    } finally {
      db.close();
    }
  }),
);
