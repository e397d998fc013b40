import assert from "node:assert/strict";
import { firstLine, formatBody, formatSubject, planSnapshot, reviewSummary } from "./message.ts";

Deno.test("formatSubject() keeps short subjects as they are", () => {
  assert.equal(formatSubject("coder", "task #7 Add parser"), "lao(coder): task #7 Add parser");
});

Deno.test("formatSubject() collapses newlines and cuts to 72 characters with ...", () => {
  const subject = formatSubject("coder", `task #7 ${"word\n ".repeat(30)}`);
  assert.equal(subject.length, 72);
  assert.ok(subject.endsWith("..."));
  assert.ok(!subject.includes("\n"));
  assert.ok(subject.startsWith("lao(coder): task #7 word word"));
});

Deno.test("reviewSummary() words each verdict like the original tool", () => {
  assert.equal(reviewSummary("approved", 3, "T"), "approved task #3 T");
  assert.equal(reviewSummary("rejected", 3, "T"), "rejected task #3 (rework) T");
  assert.equal(reviewSummary("failed", 3, "T"), "failed task #3 (max attempts) T");
});

Deno.test("formatBody() puts trailers in the Plan-ID paragraph only when asked", () => {
  assert.equal(formatBody({ planId: "p", taskId: 4, trailers: false }), "Plan-ID: p");
  assert.equal(
    formatBody({ planId: "p", taskId: 4, trailers: true, lead: "# Title" }),
    "# Title\n\nPlan-ID: p\nLAO-Plan-ID: p\nLAO-Task-ID: 4",
  );
  assert.equal(formatBody({ planId: "p", trailers: true }), "Plan-ID: p\nLAO-Plan-ID: p");
});

Deno.test("firstLine() skips blank lines and caps the length", () => {
  assert.equal(firstLine("\n\n  # Plan  \nmore"), "# Plan");
  assert.equal(firstLine("x".repeat(300)).length, 200);
});

Deno.test("planSnapshot() writes the header comment, a blank line and the plan", () => {
  assert.equal(
    planSnapshot("# P", "p.md", "1.0"),
    "<!-- LAO plan snapshot: source=p.md lao_version=1.0 -->\n\n# P\n",
  );
});
