import assert from "node:assert/strict";
import { defaultConfig } from "../config/defaults.ts";
import type { ValidationProfile } from "../config/schema.ts";
import { type Finding, validatorFinding } from "./finding.ts";
import { confidenceThreshold, evaluateGate } from "./gate.ts";

const base = defaultConfig("/tmp").orchestration;

function finding(severity: Finding["severity"], confidence: number, id = "x"): Finding {
  return validatorFinding({
    severity,
    file_path: "a.ts",
    issue_class: `${severity}_${id}`,
    message: "m",
    analyzer_id: id,
    analyzer_kind: "heuristic",
    confidence,
  });
}

function gate(
  mode: "off" | "standard" | "strict",
  findings: Finding[],
  profile?: Partial<ValidationProfile>,
) {
  const defaultProfile = base.validation_profiles.default;
  assert.ok(defaultProfile);
  return evaluateGate(findings, {
    quality_gate_mode: mode,
    validation_profile: "default",
    validation_profiles: { default: { ...defaultProfile, ...profile } },
  });
}

Deno.test("evaluateGate() never blocks in off mode", () => {
  assert.equal(gate("off", [finding("critical", 1)]).blocked, false);
});

Deno.test("evaluateGate() in standard mode blocks confident critical/major findings only", () => {
  const decision = gate("standard", [
    finding("major", 0.9, "a"),
    finding("major", 0.5, "b"),
    finding("minor", 0.99, "c"),
  ]);
  assert.deepEqual(decision.blocking.map((f) => f.analyzer_id), ["a"]);
});

Deno.test("evaluateGate() in strict mode blocks every major but only confident minors", () => {
  const decision = gate("strict", [
    finding("major", 0.1, "a"),
    finding("minor", 0.55, "todo_comment"),
    finding("minor", 0.9, "b"),
    finding("info", 1, "c"),
  ]);
  assert.deepEqual(decision.blocking.map((f) => f.analyzer_id), ["a", "b"]);
});

Deno.test("confidenceThreshold() prefers analyzer id over kind over the default", () => {
  const profile = {
    ...base.validation_profiles.default!,
    block_min_confidence_by_analyzer_kind: { heuristic: 0.8 },
    block_min_confidence_by_analyzer_id: { strict_one: 0.3 },
  };
  assert.equal(confidenceThreshold(finding("major", 1, "strict_one"), profile), 0.3);
  assert.equal(confidenceThreshold(finding("major", 1, "other"), profile), 0.8);
  assert.equal(
    confidenceThreshold({ ...finding("major", 1), analyzer_kind: "ast" }, profile),
    0.6,
  );
});

Deno.test("evaluateGate() falls back to the default profile when the named one is missing", () => {
  const decision = evaluateGate([finding("major", 0.7)], {
    quality_gate_mode: "standard",
    validation_profile: "nope",
    validation_profiles: {},
  });
  assert.equal(decision.profileName, "default");
  assert.equal(decision.blocked, true);
});

Deno.test("evaluateGate() honours block_on_severities of the profile", () => {
  const decision = gate("standard", [finding("major", 0.9), finding("critical", 0.9)], {
    block_on_severities: ["critical"],
  });
  assert.deepEqual(decision.blocking.map((f) => f.severity), ["critical"]);
});
