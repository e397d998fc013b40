import assert from "node:assert/strict";
import { RepeatedFailureDetector } from "./repeated_failure.ts";

const failed = { ok: false, output: 'ERROR: Cannot patch "a.py": search text not found' };

Deno.test("RepeatedFailureDetector tells the model to change approach on the second identical failure", () => {
  const d = new RepeatedFailureDetector();
  assert.deepEqual(d.check("file_patch", { path: "a.py", search: "x" }, failed), failed);
  const second = d.check("file_patch", '{"search": "x", "path": "a.py"}', failed);
  assert.match(second.output, /has now failed 2 times\. Do not repeat it\. Change approach/);
  assert.equal(d.repeatedCount, 1);
});

Deno.test("RepeatedFailureDetector ignores successes and different arguments", () => {
  const d = new RepeatedFailureDetector();
  d.check("file_patch", { path: "a.py", search: "x" }, failed);
  assert.deepEqual(d.check("file_patch", { path: "a.py", search: "y" }, failed), failed);
  const ok = { ok: true, output: "OK" };
  assert.deepEqual(d.check("file_patch", { path: "a.py", search: "x" }, ok), ok);
});
