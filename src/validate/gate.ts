/**
 * The quality gate: decides which validator findings block
 * a task before the reviewer model is called.
 *
 * - `off`: nothing blocks.
 * - `standard`: a finding blocks when its severity is in the profile's
 *   `block_on_severities` and its confidence reaches the threshold.
 * - `strict`: every critical/major finding blocks regardless of confidence;
 *   minor findings block only when their confidence reaches the threshold;
 *   `info` never blocks. (The original blocked on *every* finding, so noisy
 *   minor heuristics such as a `TODO` comment blocked everything.
 *   Heuristic minors therefore carry confidences below the default 0.6.)
 *
 * The threshold is looked up by analyzer id, then analyzer kind, then the
 * profile's `block_min_confidence`.
 *
 * @module
 */
import type { Config, ValidationProfile } from "../config/schema.ts";
import { type Finding, severityRank } from "./finding.ts";

/** Gate strictness. */
export type GateMode = Config["orchestration"]["quality_gate_mode"];

/** The gate's decision. */
export interface GateDecision {
  mode: GateMode;
  /** Name of the profile used (`default` fallback when the configured one is missing). */
  profileName: string;
  blocked: boolean;
  /** Blocking findings, in input order. */
  blocking: Finding[];
}

/** The spec's fallback profile: block on critical/major with confidence ≥ 0.6. */
export const FALLBACK_PROFILE: ValidationProfile = {
  commands: [],
  block_on_severities: ["critical", "major"],
  block_min_confidence: 0.6,
  block_min_confidence_by_analyzer_kind: {},
  block_min_confidence_by_analyzer_id: {},
};

/** The active validation profile, or {@linkcode FALLBACK_PROFILE} when it is not defined. */
export function activeProfile(
  orchestration: Pick<Config["orchestration"], "validation_profile" | "validation_profiles">,
): { name: string; profile: ValidationProfile } {
  const name = orchestration.validation_profile;
  const profile = orchestration.validation_profiles[name];
  return profile ? { name, profile } : { name: "default", profile: FALLBACK_PROFILE };
}

/** Confidence a finding needs to block: by analyzer id, then kind, then the profile default. */
export function confidenceThreshold(finding: Finding, profile: ValidationProfile): number {
  return profile.block_min_confidence_by_analyzer_id[finding.analyzer_id] ??
    profile.block_min_confidence_by_analyzer_kind[finding.analyzer_kind] ??
    profile.block_min_confidence;
}

/** True when `finding` blocks under `mode` and `profile`. */
export function isBlocking(finding: Finding, mode: GateMode, profile: ValidationProfile): boolean {
  if (mode === "off") return false;
  const rank = severityRank(finding.severity);
  const confident = finding.confidence >= confidenceThreshold(finding, profile);
  if (mode === "strict") return rank <= 1 || (rank === 2 && confident);
  const severities = profile.block_on_severities.map((s) => severityRank(s));
  return severities.includes(rank) && confident;
}

/** Evaluates the gate for `findings` with the configured mode and profile. */
export function evaluateGate(
  findings: Finding[],
  orchestration: Pick<
    Config["orchestration"],
    "quality_gate_mode" | "validation_profile" | "validation_profiles"
  >,
): GateDecision {
  const mode = orchestration.quality_gate_mode;
  const { name, profile } = activeProfile(orchestration);
  const blocking = findings.filter((f) => isBlocking(f, mode, profile));
  return { mode, profileName: name, blocked: blocking.length > 0, blocking };
}
