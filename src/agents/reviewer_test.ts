import assert from "node:assert/strict";
import type { Task } from "../store/store.ts";
import { modifiedFiles, reviewInput } from "./reviewer.ts";

const task = {
  title: "Add greet",
  description: "Implement greet().",
  file_paths: ["greet.py"],
} as Task;

const diff = [
  "--- a/greet.py",
  "+++ b/greet.py",
  "@@ -1,2 +1,2 @@",
  " def greet(name):",
  "-    return name",
  '+    return f"Hello, {name}!"',
  "--- /dev/null",
  "+++ b/new.py",
  "@@ -0,0 +1 @@",
  "+x = 1",
].join("\n");

Deno.test("modifiedFiles() lists files the diff changed, not the ones it created", () => {
  assert.deepEqual(modifiedFiles(diff), ["greet.py"]);
});

Deno.test("reviewInput() keeps the task, the whole diff and excerpts when they fit", () => {
  const text = reviewInput(task, diff, "done", () => true, [{
    path: "greet.py",
    text: "FULL FILE",
  }]);
  assert.match(text, /^## Task Specification: Add greet\n\nImplement greet\(\)\./);
  assert.ok(text.includes(`+    return f"Hello, {name}!"`));
  assert.match(text, /### Current file: greet\.py\n```\nFULL FILE\n```/);
  assert.match(text, /## Coder summary\ndone$/);
});

Deno.test("reviewInput() cuts the diff, never the task, and drops excerpts first", () => {
  const long = Array.from({ length: 400 }, (_, i) => `+line ${i}`).join("\n");
  const budget = 2000;
  const text = reviewInput(task, long, "done", (t) => t.length <= budget, [
    { path: "greet.py", text: "FULL FILE" },
  ]);
  assert.ok(text.length <= budget, `${text.length}`);
  assert.match(text, /## Task Specification: Add greet/);
  assert.match(text, /\.\.\. diff cut: \d+ more lines not shown \.\.\./);
  assert.doesNotMatch(text, /Current file/);
});
