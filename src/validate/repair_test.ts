import assert from "node:assert/strict";
import { type Finding, validatorFinding } from "./finding.ts";
import {
  buildRepairFeedback,
  codeSignature,
  feedbackFindings,
  findingSignature,
  isNoProgress,
  normalizeForSignature,
} from "./repair.ts";

function syntaxError(line: number): Finding {
  return validatorFinding({
    severity: "major",
    file_path: "src/app.ts",
    issue_class: "typescript_syntax_error",
    message: `Cannot parse "src/app.ts:${line}:1": Unexpected token`,
    fix_hint: "Fix the syntax error.",
    analyzer_id: "babel_parser",
    analyzer_kind: "ast",
    confidence: 0.95,
  });
}

const todo = validatorFinding({
  severity: "minor",
  file_path: "src/app.ts",
  issue_class: "placeholder_comment",
  message: '"TODO" marker in a comment at line 3',
  analyzer_id: "placeholder_scan",
  analyzer_kind: "heuristic",
  confidence: 0.55,
});

const missing = validatorFinding({
  severity: "critical",
  file_path: "src/db.ts",
  issue_class: "missing_file",
  message: 'File "src/db.ts" does not exist',
  analyzer_id: "file_existence",
  analyzer_kind: "runtime",
  confidence: 0.99,
});

Deno.test("buildRepairFeedback() lists findings by severity under a signature line", () => {
  const text = buildRepairFeedback([todo, syntaxError(3), missing], {
    clause: "Validation Contract",
  });
  const lines = text.split("\n");
  assert.match(lines[0] ?? "", /^finding_signature: [0-9a-f]{12}$/);
  assert.deepEqual(lines.slice(1), [
    "Contract clause: Validation Contract",
    "Required fixes:",
    '- [critical] src/db.ts missing_file: File "src/db.ts" does not exist',
    '- [major] src/app.ts typescript_syntax_error: Cannot parse "src/app.ts:3:1": Unexpected token',
    "  fix_hint: Fix the syntax error.",
    '- [minor] src/app.ts placeholder_comment: "TODO" marker in a comment at line 3',
  ]);
});

Deno.test("buildRepairFeedback() keeps the signature when the same issue moves to another line", () => {
  const before = buildRepairFeedback([syntaxError(3), todo], { clause: "Validation Contract" });
  const after = buildRepairFeedback([
    { ...todo, message: todo.message.replace("3", "9") },
    syntaxError(12),
  ], {
    clause: "Validation Contract",
  });
  assert.notEqual(before, after);
  assert.equal(findingSignature(before), findingSignature(after));
  const other = buildRepairFeedback([missing], { clause: "Validation Contract" });
  assert.notEqual(findingSignature(other), findingSignature(before));
});

Deno.test("buildRepairFeedback() lists at most 20 findings and counts the rest", () => {
  const many = Array.from(
    { length: 23 },
    (_, i) => ({ ...missing, message: `missing ${String.fromCharCode(97 + i)}` }),
  );
  const text = buildRepairFeedback(many, { clause: "Reviewer Contract" });
  assert.equal(text.split("\n").filter((l) => l.startsWith("- [critical]")).length, 20);
  assert.match(text, /\n- \.\.\. 3 additional findings omitted$/);
});

Deno.test("buildRepairFeedback() without findings returns the fallback and no signature", () => {
  const text = buildRepairFeedback([], { clause: "Reviewer Contract", fallback: "Looks wrong." });
  assert.equal(text, "Looks wrong.");
  assert.equal(findingSignature(text), null);
  assert.equal(
    buildRepairFeedback([], { clause: "x" }),
    "Review rejected without structured findings.",
  );
});

Deno.test("normalizeForSignature() removes line and column numbers and case", () => {
  assert.equal(
    normalizeForSignature('At LINE 4, column 7:  "a.ts:4:7"   fails'),
    'at line #, column #: "a.ts:#" fails',
  );
});

Deno.test("isNoProgress() holds only when the findings repeat and the code is unchanged", () => {
  const feedback = buildRepairFeedback([syntaxError(3)], { clause: "Validation Contract" });
  const shifted = buildRepairFeedback([syntaxError(5)], { clause: "Validation Contract" });
  const same = { previousFeedback: feedback, newFeedback: shifted };
  assert.equal(
    isNoProgress({ ...same, previousCodeSignature: "aaa", currentCodeSignature: "aaa" }),
    true,
  );
  assert.equal(
    isNoProgress({ ...same, previousCodeSignature: "aaa", currentCodeSignature: "bbb" }),
    false,
  );
  assert.equal(
    isNoProgress({ ...same, previousCodeSignature: null, currentCodeSignature: "bbb" }),
    true,
  );
  const different = buildRepairFeedback([missing], { clause: "Validation Contract" });
  assert.equal(
    isNoProgress({
      previousFeedback: feedback,
      newFeedback: different,
      previousCodeSignature: "aaa",
      currentCodeSignature: "aaa",
    }),
    false,
  );
  assert.equal(
    isNoProgress({
      previousFeedback: null,
      newFeedback: feedback,
      previousCodeSignature: "a",
      currentCodeSignature: "a",
    }),
    false,
  );
});

Deno.test("codeSignature() is 12 hex, order-independent and content-sensitive", () => {
  const a = { path: "a.ts", content: "1" };
  const b = { path: "b.ts", content: "2" };
  const sig = codeSignature([a, b]);
  assert.match(sig, /^[0-9a-f]{12}$/);
  assert.equal(codeSignature([b, a]), sig);
  assert.notEqual(codeSignature([a, { ...b, content: "3" }]), sig);
});

Deno.test("feedbackFindings() gives the findings one line each, most severe first, capped", () => {
  const feedback = buildRepairFeedback([
    validatorFinding({
      severity: "minor",
      file_path: "b.py",
      issue_class: "style",
      message: "long line",
      analyzer_id: "x",
      analyzer_kind: "heuristic",
      confidence: 1,
    }),
    validatorFinding({
      severity: "critical",
      file_path: "m.py",
      issue_class: "missing_file",
      message: "File m.py does not exist",
      analyzer_id: "x",
      analyzer_kind: "runtime",
      confidence: 1,
    }),
  ], { clause: "Validation Contract" });
  assert.deepEqual(feedbackFindings(`Validation gate failed:\n${feedback}`), [
    "[critical] m.py missing_file: File m.py does not exist",
    "[minor] b.py style: long line",
  ]);
  assert.deepEqual(feedbackFindings(feedback, 1), [
    "[critical] m.py missing_file: File m.py does not exist",
  ]);
  assert.deepEqual(feedbackFindings("Max attempts reached. Last feedback: tests fail\nmore"), [
    "tests fail",
  ]);
  assert.deepEqual(
    feedbackFindings("No progress: the same problems came back on unchanged code.\nCoder error: x"),
    ["Coder error: x"],
  );
  assert.equal(feedbackFindings("x".repeat(500))[0]!.length, 160);
  assert.deepEqual(feedbackFindings(null), []);
});
