import assert from "node:assert/strict";
import { buildQualityReport } from "./quality_report.ts";
import { renderQualityMarkdown } from "./quality_markdown.ts";
import { sampleInput } from "../../../testing/quality_fixture.ts";

Deno.test("buildQualityReport() fills every section of the spec's report", () => {
  const report = buildQualityReport(sampleInput());
  assert.deepEqual(report.report_meta, {
    schema_version: "2.0.0",
    min_compatible_version: "2.0.0",
  });
  assert.deepEqual(report.detected_languages, ["python"]);
  assert.deepEqual(report.task_counts, {
    total: 2,
    completed: 1,
    failed: 1,
    pending_or_inflight: 0,
  });
  assert.deepEqual(report.quality, {
    total_findings: 2,
    critical_findings: 1,
    consistency_findings: 0,
    analyzer_confidence_summary: {
      heuristic: { count: 1, avg_confidence: 0.55 },
      runtime: { count: 1, avg_confidence: 0.99 },
    },
  });
  assert.equal(report.contracts.closure_satisfied, false);
  assert.deepEqual(report.contracts.strict_closure_allowed_statuses, ["validated"]);
  assert.deepEqual(report.contracts.unresolved_deliverables.map((d) => d.deliverable_id), [
    "REQ-2",
  ]);
  assert.equal(report.contracts.failed_validation_runs, 1);
  assert.deepEqual(report.traceability_summary, {
    deliverables_total: 2,
    deliverables_validated: 1,
    architecture_alignment_score: 0.5,
  });
  assert.deepEqual(report.convergence, {
    rework_loops: 3,
    tasks_with_retries: 2,
    escalated_tasks: 1,
    escalation_reason_counts: { repeated_validation_failure: 1 },
  });
  assert.deepEqual(report.observability, {
    benchmark_gate: null,
    kpi_snapshot_ref: null,
    dashboard_regression_summary: null,
  });
  assert.equal(report.efficiency.swap_count, 2);
  assert.deepEqual(report.traceability[1]?.validation_runs, [{
    kind: "test",
    command: "python3 -m pytest -q",
    success: false,
    exit_code: 1,
    finished_at: "2025-01-01T00:00:02.000Z",
  }]);
  assert.equal(report.traceability[1]?.findings_count, 1);
  assert.deepEqual(report.findings.map((f) => f.severity), ["critical", "minor"]);
});

Deno.test("buildQualityReport() treats a plan with no tasks as not closed", () => {
  const report = buildQualityReport({ ...sampleInput(), tasks: [], deliverables: [] });
  assert.equal(report.contracts.closure_satisfied, false);
  assert.equal(report.traceability_summary.architecture_alignment_score, 1);
});

Deno.test("buildQualityReport() closes a fully completed plan unless strict deliverables are open", () => {
  const input = sampleInput();
  input.tasks = input.tasks.map((t) => ({ ...t, status: "completed" as const }));
  assert.equal(buildQualityReport(input).contracts.closure_satisfied, true);
  assert.equal(
    buildQualityReport({ ...input, strictAdherence: true }).contracts.closure_satisfied,
    false,
  );
});

Deno.test("renderQualityMarkdown() shows summary, task table, findings by severity and convergence", () => {
  const md = renderQualityMarkdown(buildQualityReport(sampleInput()));
  assert.match(md, /^# Quality report: plan a1b2c3d4e5f60718\n/);
  assert.match(md, /- Closure: \*\*not satisfied\*\*/);
  assert.match(md, /\| 1 \| Create app \\\| models \| Core \| completed \| 1 \| 1 \| - \|/);
  assert.match(md, /### Critical \(1\)\n\n- task 2, `app\/db\.py`, missing_file: /);
  assert.match(md, /### Minor \(1\)/);
  assert.doesNotMatch(md, /### Major/);
  assert.match(md, /- Escalated tasks: 1 \(repeated_validation_failure 1\)/);
  assert.ok(md.endsWith("\n") && !md.endsWith("\n\n"));
});
