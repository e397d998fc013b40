import assert from "node:assert/strict";
import { UserError } from "../../errors.ts";
import { checkReport, migrateReport } from "./report_schema.ts";

Deno.test("checkReport() names the first problem of a report", () => {
  assert.deepEqual(checkReport([1]), { ok: false, reason: "report_not_object" });
  assert.deepEqual(checkReport({ plan_id: "x" }), { ok: false, reason: "missing_report_meta" });
  assert.deepEqual(checkReport({ report_meta: {} }), {
    ok: false,
    reason: "missing_schema_version",
  });
  assert.deepEqual(checkReport({ report_meta: { schema_version: "2.0.0" } }), {
    ok: false,
    reason: "missing_min_compatible_version",
  });
  assert.deepEqual(
    checkReport({ report_meta: { schema_version: "3.0.0", min_compatible_version: "3.0.0" } }),
    { ok: false, reason: "incompatible_version" },
  );
  assert.deepEqual(
    checkReport({ report_meta: { schema_version: "2.1.0", min_compatible_version: "2.0.0" } }),
    { ok: true, reason: "ok" },
  );
});

Deno.test("migrateReport() adds report_meta to an old report and keeps its data", () => {
  const { report, changed } = migrateReport({ plan_id: "p1", task_counts: { total: 1 } });
  assert.equal(changed, true);
  assert.deepEqual(report, {
    report_meta: { schema_version: "2.0.0", min_compatible_version: "2.0.0" },
    plan_id: "p1",
    task_counts: { total: 1 },
  });
  assert.deepEqual(checkReport(report), { ok: true, reason: "ok" });
});

Deno.test("migrateReport() leaves a current report unchanged", () => {
  const current = { report_meta: { schema_version: "2.0.0", min_compatible_version: "2.0.0" } };
  assert.equal(migrateReport(current).changed, false);
});

Deno.test("migrateReport() refuses a report that is not an object", () => {
  assert.throws(() => migrateReport("nope"), UserError);
});
