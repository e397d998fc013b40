import assert from "node:assert/strict";
import { parseVerdict, verdictResponseFormat, verdictWord } from "./verdict.ts";

Deno.test("verdictWord() maps many spellings to approved or rejected", () => {
  for (const w of ["APPROVE", "approved", "Pass", "LGTM", "accept", "ok"]) {
    assert.equal(verdictWord(w), "approved", w);
  }
  for (
    const w of [
      "REJECT",
      "rejected",
      "FAIL",
      "changes_requested",
      "Changes requested",
      "needs-work",
    ]
  ) {
    assert.equal(verdictWord(w), "rejected", w);
  }
  assert.equal(verdictWord("maybe"), undefined);
});

Deno.test("parseVerdict() keeps a rejection without findings as a rejection", () => {
  assert.equal(
    parseVerdict('{"verdict": "REJECTED", "findings": [], "summary": "broken"}').verdict,
    "rejected",
  );
});

Deno.test("parseVerdict() approves a rejection whose findings are all minor and marks it", () => {
  const v = parseVerdict(
    '{"verdict": "REJECTED", "findings": [{"severity": "nit", "message": "naming"}]}',
  );
  assert.equal(v.verdict, "approved");
  assert.equal(v.minorOnly, true);
});

Deno.test("parseVerdict() skips JSON objects that carry no verdict", () => {
  const v = parseVerdict(
    'The config {"debug": true} is fine.\n{"verdict": "REJECTED", "findings": [{"severity": "Major", "msg": "Missing tests"}]}',
  );
  assert.equal(v.verdict, "rejected");
  assert.deepEqual(v.findings[0], {
    severity: "major",
    file_path: null,
    issue_class: "review_issue",
    message: "Missing tests",
    fix_hint: null,
  });
});

Deno.test("parseVerdict() returns unparseable with the raw text as summary", () => {
  assert.deepEqual(parseVerdict("hmm"), { verdict: "unparseable", findings: [], summary: "hmm" });
});

Deno.test("verdictResponseFormat requires verdict, findings and summary", () => {
  assert.deepEqual(verdictResponseFormat.json_schema.schema.required, [
    "verdict",
    "findings",
    "summary",
  ]);
});
