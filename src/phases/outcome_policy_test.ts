import assert from "node:assert/strict";
import { InterruptedError, UserError } from "../errors.ts";
import { AuthError, ServerUnreachableError } from "../llm/errors.ts";
import {
  type CommitVerdict,
  decideConflict,
  decideFailure,
  decideReview,
  type OutcomeLimits,
  type ReviewResult,
  type TaskFacts,
} from "./outcome_policy.ts";
import { buildRepairFeedback } from "../validate/repair.ts";
import type { Transition } from "../store/task_machine.ts";

const LIMITS: OutcomeLimits = {
  retry_cap_coder: 3,
  retry_cap_reviewer: 3,
  retry_cap_validation: 2,
  no_progress_repeat_limit: 2,
  retry_cooldown_base_s: 10,
};
const NOW = new Date("2025-01-01T00:00:00.000Z");

/** Feedback with a finding signature, as the validators and the reviewer write it. */
const FEEDBACK = buildRepairFeedback([{
  severity: "major",
  file_path: "a.py",
  issue_class: "missing_behaviour",
  message: "edge case not handled",
  source: "reviewer",
  analyzer_id: "reviewer",
  analyzer_kind: "llm",
  confidence: 1,
}], { clause: "Reviewer Contract" });
const OTHER = buildRepairFeedback([{
  severity: "major",
  file_path: "a.py",
  issue_class: "missing_behaviour",
  message: "another problem",
  source: "reviewer",
  analyzer_id: "reviewer",
  analyzer_kind: "llm",
  confidence: 1,
}], { clause: "Reviewer Contract" });

const fresh: TaskFacts = {
  attempt: 0,
  max_attempts: 3,
  feedback: null,
  prev_code_signature: null,
  code_signature: "aaaaaaaaaaaa",
};
/** Second attempt: the same findings came back and the code did not change. */
const stuck: TaskFacts = {
  ...fresh,
  attempt: 1,
  feedback: FEEDBACK,
  prev_code_signature: "aaaaaaaaaaaa",
};
const lastTry: TaskFacts = { ...fresh, attempt: 2 };

const approved: ReviewResult = { kind: "approved", summary: "looks good" };
const model = (feedback: string): ReviewResult => ({ kind: "rejected", stage: "review", feedback });
const gate = (feedback: string): ReviewResult => ({
  kind: "rejected",
  stage: "validation",
  feedback,
});

/** [case, task, result, transition, escalation_reason, commit verdict, deliverables] */
const REVIEW_TABLE: [
  string,
  TaskFacts,
  ReviewResult,
  Transition,
  string | undefined,
  CommitVerdict | null,
  "validated" | "in_progress" | null,
][] = [
  ["approval completes", fresh, approved, "approve", undefined, "approved", "validated"],
  [
    "model rejection reworks",
    fresh,
    model(FEEDBACK),
    "review_rework",
    undefined,
    "rejected",
    "in_progress",
  ],
  [
    "gate rejection reworks without a commit",
    fresh,
    gate(FEEDBACK),
    "review_rework",
    undefined,
    null,
    "in_progress",
  ],
  [
    "model rejection at the cap fails",
    lastTry,
    model(FEEDBACK),
    "review_fail",
    "max_attempts_reached",
    "failed",
    null,
  ],
  [
    "gate rejection at its cap fails",
    { ...fresh, attempt: 1 },
    gate(FEEDBACK),
    "review_fail",
    "repeated_validation_failure",
    null,
    null,
  ],
  [
    "same findings on unchanged code fail: the commit says failed",
    stuck,
    model(FEEDBACK),
    "review_fail",
    "no_progress_rework_loop",
    "failed",
    null,
  ],
  [
    "same findings on changed code rework",
    { ...stuck, code_signature: "bbbbbbbbbbbb" },
    model(FEEDBACK),
    "review_rework",
    undefined,
    "rejected",
    "in_progress",
  ],
  [
    "new findings on unchanged code rework",
    stuck,
    model(OTHER),
    "review_rework",
    undefined,
    "rejected",
    "in_progress",
  ],
  [
    "a gate rejection at its cap fails even when stuck",
    { ...stuck, max_attempts: 5 },
    gate(FEEDBACK),
    "review_fail",
    "repeated_validation_failure",
    null,
    null,
  ],
  [
    "no-progress only after the repeat limit",
    { ...stuck, attempt: 0 },
    model(FEEDBACK),
    "review_rework",
    undefined,
    "rejected",
    "in_progress",
  ],
];

for (const [name, task, result, transition, escalation, commit, deliverables] of REVIEW_TABLE) {
  Deno.test(`decideReview(): ${name}`, () => {
    const d = decideReview(task, result, LIMITS, NOW);
    assert.deepEqual(
      [d.transition, d.patch.escalation_reason, d.commit, d.deliverables],
      [transition, escalation, commit, deliverables],
    );
  });
}

Deno.test("decideReview(): a rework uses an attempt and waits base · 2^attempt seconds", () => {
  const d = decideReview({ ...fresh, attempt: 1, max_attempts: 5 }, model(OTHER), LIMITS, NOW);
  assert.equal(d.patch.attempt, 2);
  assert.equal(d.patch.next_eligible_at, "2025-01-01T00:00:20.000Z");
  assert.equal(d.patch.feedback, OTHER);
  assert.equal(d.reason, "reviewer rejected: [major] a.py missing_behaviour: another problem");
});

Deno.test("decideReview(): the no-progress failure says why, with the first finding", () => {
  const d = decideReview(stuck, model(FEEDBACK), LIMITS, NOW);
  assert.match(String(d.patch.feedback), /^No progress: the same problems came back/);
  assert.equal(
    d.reason,
    "no_progress_rework_loop: [major] a.py missing_behaviour: edge case not handled",
  );
});

Deno.test("decideReview(): a gate rejection's feedback names the gate", () => {
  const d = decideReview(fresh, gate(FEEDBACK), LIMITS, NOW);
  assert.match(String(d.patch.feedback), /^Validation gate failed:\n/);
  assert.match(d.reason, /^validation gate rejected: /);
});

const infra = new ServerUnreachableError("connection refused");

/** [case, phase, task, error, kind, transition, escalation_reason] */
const FAILURE_TABLE: [
  string,
  "coder" | "reviewer",
  TaskFacts,
  unknown,
  string,
  Transition,
  string | undefined,
][] = [
  [
    "an interrupt hands the coder's task back",
    "coder",
    fresh,
    new InterruptedError(),
    "stop",
    "release_claim",
    undefined,
  ],
  [
    "a setup problem hands the review back",
    "reviewer",
    fresh,
    new UserError("bad cassette", 2),
    "stop",
    "recover_review",
    undefined,
  ],
  [
    "a server outage pauses without an attempt",
    "coder",
    lastTry,
    infra,
    "infra",
    "release_claim",
    undefined,
  ],
  [
    "a server outage in review pauses",
    "reviewer",
    fresh,
    infra,
    "infra",
    "recover_review",
    undefined,
  ],
  [
    "a refused API key stops the run and hands the task back",
    "coder",
    lastTry,
    new AuthError("The server refused the API key", 401),
    "stop",
    "release_claim",
    undefined,
  ],
  ["a coder bug reworks", "coder", fresh, new Error("boom"), "task", "coder_rework", undefined],
  [
    "a coder bug at the cap fails",
    "coder",
    lastTry,
    new Error("boom"),
    "task",
    "coder_fail",
    "coder_exception",
  ],
  [
    "a reviewer bug at the cap fails",
    "reviewer",
    lastTry,
    new Error("boom"),
    "task",
    "review_fail",
    "reviewer_exception",
  ],
];

for (const [name, phase, task, err, kind, transition, escalation] of FAILURE_TABLE) {
  Deno.test(`decideFailure(): ${name}`, () => {
    const d = decideFailure(task, phase, err, LIMITS, NOW);
    assert.deepEqual(
      [d.kind, d.transition, d.patch.escalation_reason],
      [kind, transition, escalation],
    );
    if (kind !== "task") assert.deepEqual(d.patch, {});
  });
}

Deno.test("decideFailure(): a task failure reworks with the error as feedback and an attempt used", () => {
  const d = decideFailure(fresh, "coder", new Error("boom"), LIMITS, NOW);
  assert.deepEqual(d.patch, {
    feedback: "Coder error: boom",
    attempt: 1,
    next_eligible_at: "2025-01-01T00:00:10.000Z",
  });
  assert.equal(d.reason, "Coder error: boom");
});

Deno.test("decideFailure(): an outage's reason says the run paused", () => {
  assert.equal(
    decideFailure(fresh, "coder", infra, LIMITS, NOW).reason,
    "paused: connection refused",
  );
});

Deno.test("a first merge conflict reworks with no attempt and no cooldown; a second one uses an attempt", () => {
  const limits = {
    retry_cap_coder: 3,
    retry_cap_reviewer: 3,
    retry_cap_validation: 3,
    no_progress_repeat_limit: 3,
    retry_cooldown_base_s: 60,
  };
  const task = {
    attempt: 0,
    max_attempts: 3,
    feedback: null,
    prev_code_signature: null,
    code_signature: "s",
    diff: "+y = 2",
  };
  const now = new Date("2026-01-01T00:00:00Z");
  const first = decideConflict(task, { files: ["shared.py"], message: "" }, limits, now);
  assert.equal(first.transition, "review_rework");
  assert.equal(first.patch.attempt, undefined);
  assert.equal(first.patch.next_eligible_at, null);
  assert.match(first.patch.feedback!, /Merge conflict with approved work in shared\.py/);
  assert.match(first.patch.feedback!, /\+y = 2/);
  const second = decideConflict(
    { ...task, feedback: first.patch.feedback! },
    { files: ["shared.py"], message: "" },
    limits,
    now,
  );
  assert.equal(second.transition, "review_rework");
  assert.equal(second.patch.attempt, 1);
});
