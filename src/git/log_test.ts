import assert from "node:assert/strict";
import { parseSubject } from "./log.ts";
import { findConflicts, parseHistory } from "./undo.ts";

Deno.test("parseSubject() reads agent, task and verdict from LAO subjects", () => {
  assert.deepEqual(parseSubject("lao(plan): add plan snapshot for x"), { agent: "plan" });
  assert.deepEqual(parseSubject("lao(reviewer): failed task #12 (max attempts) T"), {
    agent: "reviewer",
    taskId: 12,
    verdict: "failed",
  });
  assert.deepEqual(parseSubject('Revert "lao(coder): task #4 T"'), { agent: "undo", taskId: 4 });
  assert.equal(parseSubject("fix typo"), null);
});

Deno.test("parseHistory() prefers the LAO-Task-ID trailer and notes reverted commits", () => {
  const sha = (c: string) => c.repeat(40);
  const out = `${sha("a")}\x1fRevert "lao(coder): task #1 X"\x1f\x1fThis reverts commit ${
    sha("b")
  }.\n\x1e\n${sha("b")}\x1flao(coder): task #1 X\x1f9\x1fPlan-ID: p\n\x1e\n`;
  const history = parseHistory(out);
  assert.deepEqual(history, [
    { sha: sha("a"), subject: 'Revert "lao(coder): task #1 X"', reverts: sha("b") },
    { sha: sha("b"), subject: "lao(coder): task #1 X", coderTask: 9 },
  ]);
});

Deno.test("findConflicts() reports only later commits of other tasks sharing files", () => {
  const history = [
    { sha: "c", subject: "", coderTask: 3 },
    { sha: "b", subject: "", coderTask: 2 },
    { sha: "a", subject: "", coderTask: 1 },
  ];
  const files = new Map([["a", ["x", "y"]], ["b", ["z"]], ["c", ["y"]]]);
  assert.deepEqual(findConflicts(history, 1, files), [{ task: 3, files: ["y"] }]);
  assert.deepEqual(findConflicts(history, 3, files), []);
});
