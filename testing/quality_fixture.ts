/**
 * A realistic report input shared by this folder's tests.
 *
 * @module
 */
import { validatorFinding } from "../src/validate/finding.ts";
import type { QualityReportInput } from "../src/pipeline/quality/quality_report.ts";

/** A two-task plan: one task completed after a rework, one failed on a missing file. */
export function sampleInput(): QualityReportInput {
  return {
    planId: "a1b2c3d4e5f60718",
    planText: "# Todo API\nBuild a FastAPI service with pydantic models and pytest tests.\n",
    workspaceFiles: ["app/main.py", "tests/test_main.py"],
    tasks: [
      {
        task_id: 1,
        title: "Create app | models",
        file_paths: ["app/main.py"],
        phase_name: "Core",
        deliverable_ids: ["REQ-1"],
        status: "completed",
        dependencies: [],
        next_eligible_at: null,
        escalation_reason: null,
        attempt: 1,
      },
      {
        task_id: 2,
        title: "Add database layer",
        file_paths: ["app/db.py"],
        phase_name: "Core",
        deliverable_ids: ["REQ-2"],
        status: "failed",
        dependencies: ["Create app | models"],
        next_eligible_at: null,
        escalation_reason: "repeated_validation_failure",
        attempt: 2,
      },
    ],
    findings: [
      {
        task_id: 2,
        ...validatorFinding({
          severity: "critical",
          file_path: "app/db.py",
          issue_class: "missing_file",
          message: 'File "app/db.py" does not exist',
          analyzer_id: "file_existence",
          analyzer_kind: "runtime",
          confidence: 0.99,
        }),
      },
      {
        task_id: 1,
        ...validatorFinding({
          severity: "minor",
          file_path: "app/main.py",
          issue_class: "placeholder_comment",
          message: '"TODO" marker in a comment at line 4',
          analyzer_id: "placeholder_scan",
          analyzer_kind: "heuristic",
          confidence: 0.55,
        }),
      },
    ],
    validationRuns: [{
      task_id: 2,
      kind: "test",
      command: "python3 -m pytest -q",
      success: false,
      exitCode: 1,
      output: "1 failed",
      startedAt: "2025-01-01T00:00:00.000Z",
      finishedAt: "2025-01-01T00:00:02.000Z",
    }],
    deliverables: [
      { deliverable_id: "REQ-1", title: "CRUD endpoints", status: "validated", reason: null },
      { deliverable_id: "REQ-2", title: "Persistence", status: "failed", reason: "task failed" },
    ],
    preflight: { ok: true },
    strictAdherence: false,
    strictClosureAllowedStatuses: ["Validated", " "],
    modelStats: { model_switches: 3, run_events: 7, swap_count: 2, load_count: 3, unload_count: 1 },
  };
}
